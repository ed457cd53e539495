package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.Locale;

/** The operating system of a template's agents: it decides the boot script and the default agent directory. */
public enum AgentPlatform {
    LINUX("/opt/jenkins-agent"),
    WINDOWS("C:\\jenkins\\agent");

    private final String defaultRemoteFs;

    AgentPlatform(String defaultRemoteFs) {
        this.defaultRemoteFs = defaultRemoteFs;
    }

    /** Where the agent works when the template gives no remote FS root. */
    public String defaultRemoteFs() {
        return defaultRemoteFs;
    }

    /** The name used in forms and JCasC: {@code linux} or {@code windows}. */
    public String fieldValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code linux} or {@code windows} (any case); blank is Linux. */
    public static AgentPlatform parse(String text) {
        if (text == null || text.isBlank()) {
            return LINUX;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (AgentPlatform p : values()) {
            if (p.fieldValue().equals(t)) {
                return p;
            }
        }
        throw StageException.invalidInput("Platform '" + text.trim() + "' is not an agent platform.",
                "Give linux or windows.");
    }
}
