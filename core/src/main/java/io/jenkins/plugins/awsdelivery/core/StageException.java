package io.jenkins.plugins.awsdelivery.core;

import java.util.Objects;

/**
 * The one exception type of this project: a message a user can act on, and a hint saying what to do.
 *
 * <p>The {@link Kind} tells front ends how to report it (the CLI maps it to an exit code).
 */
public class StageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in the terms a front end reports. */
    public enum Kind {
        /** A parameter or input file is wrong; nothing was changed. */
        INVALID_INPUT,
        /** AWS refused or failed a call. */
        AWS,
        /** The Kubernetes API refused or failed a call. */
        KUBERNETES,
        /** A wait ran out of time. */
        TIMEOUT
    }

    private final Kind kind;
    private final String hint;

    public StageException(Kind kind, String message, String hint) {
        this(kind, message, hint, null);
    }

    public StageException(Kind kind, String message, String hint, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.hint = hint == null ? "" : hint;
    }

    public static StageException invalidInput(String message, String hint) {
        return new StageException(Kind.INVALID_INPUT, message, hint);
    }

    public Kind kind() {
        return kind;
    }

    /** What the user can do about it; empty when there is nothing to add to the message. */
    public String hint() {
        return hint;
    }

    /**
     * Message and hint on one line, as shown in a build log. A message that ends without a full stop (AWS's own
     * texts often do) gets one, so that the hint reads as the next sentence.
     */
    public String describe() {
        if (hint.isEmpty()) {
            return getMessage();
        }
        return sentence(getMessage()) + " " + hint;
    }

    /**
     * The text as a sentence: with a full stop at the end unless it ends with one (or ! or ?). For texts of others
     * (AWS's error messages often end without one) that a message goes on after.
     */
    public static String sentence(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() || t.endsWith(".") || t.endsWith("!") || t.endsWith("?") ? t : t + ".";
    }
}
