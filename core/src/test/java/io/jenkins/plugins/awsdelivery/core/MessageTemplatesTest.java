package io.jenkins.plugins.awsdelivery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads every user-facing message template of the project, as written in the sources, and looks for the defects
 * users reported: a word written twice ("the the"), empty quotes ({@code ''}) and a value followed by the next
 * sentence without a full stop ({@code "... " + path + " Check the path"}).
 *
 * <p>A template is a run of string literals joined with {@code +} in core, CLI and plugin main sources, values in
 * between written as {@code {}}; plugin {@code Messages*.properties} values count too (placeholders {@code {0}}).
 */
class MessageTemplatesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<Path> SOURCES = List.of(ROOT.resolve("core/src/main/java"),
            ROOT.resolve("cli/src/main/java"), ROOT.resolve("plugin/src/main/java"));

    private static final Pattern DOUBLED = Pattern.compile("(?i)(?<![\\w.:/-])([a-z]{2,})\\s+\\1(?![\\w-])");
    private static final Pattern EMPTY_QUOTES = Pattern.compile("(?<!')''(?!')");
    /** A value, then (after an optional closing quote) a capitalised word that starts a new sentence. */
    private static final Pattern NO_SENTENCE_BREAK = Pattern.compile(
            "(\\{}|%s|%d|\\{\\d+})['\\)]?\\s+([A-Z][a-z]+)\\b");
    /** Capitalised words that are names, not the start of a sentence. */
    private static final Set<String> NAMES = Set.of("Health", "Hub", "Security", "Spot", "Kubernetes", "Jenkins",
            "Trivy", "Stork", "Portworx", "Pipeline", "Amazon", "Organizations", "Support", "Fleet", "Enterprise",
            "Business", "On", "Ramp", "Terraform");

    record Template(Path file, int line, String text) {
        @Override
        public String toString() {
            return ROOT.relativize(file) + ":" + line + ": \"" + text + "\"";
        }
    }

    @Test
    void templatesHaveNoDoubledWordsEmptyQuotesOrMissingSentenceBreaks() {
        List<Template> templates = templates();
        assertThat(templates).as("templates found").hasSizeGreaterThan(300);

        List<String> problems = new ArrayList<>();
        for (Template t : templates) {
            if (isBootScript(t)) {
                continue;
            }
            Matcher d = DOUBLED.matcher(t.text());
            if (d.find()) {
                problems.add(t + " writes '" + d.group(1) + "' twice");
            }
            if (EMPTY_QUOTES.matcher(t.text()).find()) {
                problems.add(t + " has empty quotes ''");
            }
            Matcher s = NO_SENTENCE_BREAK.matcher(t.text());
            while (s.find()) {
                if (!NAMES.contains(s.group(2))) {
                    problems.add(t + " starts a sentence ('" + s.group(2) + "') right after a value, without a full "
                            + "stop");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The agents' boot scripts are shell and PowerShell code, not messages: {@code ''} is PowerShell's empty string.
     * Their error messages are still checked (they have no line breaks).
     */
    private static boolean isBootScript(Template t) {
        return t.file().getFileName().toString().endsWith("UserData.java") && t.text().contains("\n");
    }

    @Test
    void theCheckFindsTheDefectsItLooksFor() {
        assertThat(DOUBLED.matcher("allows the the action").find()).isTrue();
        assertThat(EMPTY_QUOTES.matcher("for container ''").find()).isTrue();
        assertThat(NO_SENTENCE_BREAK.matcher("Cannot read the kubeconfig {}: {} Check the path").find()).isTrue();
        assertThat(NO_SENTENCE_BREAK.matcher("Cannot read {}: {}. Check the path").find()).isFalse();
        assertThat(joined("throw x(\"Cannot read the kubeconfig \" + kc.path() + \": \" + e.getMessage(),\n"
                + "   \"Check the path.\");")).contains("Cannot read the kubeconfig {}: {}");
    }

    static List<Template> templates() {
        List<Template> out = new ArrayList<>();
        for (Path dir : SOURCES) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> out.addAll(javaTemplates(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> files = Files.walk(ROOT.resolve("plugin/src/main/resources"))) {
            files.filter(f -> f.getFileName().toString().matches("Messages.*\\.properties"))
                    .forEach(f -> out.addAll(propertyTemplates(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<Template> propertyTemplates(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.stringPropertyNames().stream().map(k -> new Template(file, 0, p.getProperty(k))).toList();
    }

    private static List<Template> javaTemplates(Path file) {
        String source;
        try {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Template> out = new ArrayList<>();
        for (Piece t : pieces(source)) {
            if (t.text().trim().split("\\s+").length >= 3) {
                out.add(new Template(file, t.line(), t.text()));
            }
        }
        return out;
    }

    static List<String> joined(String source) {
        return pieces(source).stream().map(Piece::text).toList();
    }

    private record Piece(int line, String text) {}

    /**
     * Splits source into string literals and code (comments, char literals and text blocks skipped) and joins
     * literals that a {@code +} concatenation connects, with {@code {}} for the expressions between them.
     */
    private static List<Piece> pieces(String src) {
        List<Object> tokens = new ArrayList<>(); // String code, or StringBuilder literal
        List<Integer> lines = new ArrayList<>();
        StringBuilder code = new StringBuilder();
        int line = 1;
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (src.startsWith("//", i)) {
                int end = src.indexOf('\n', i);
                i = end < 0 ? src.length() : end;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                line += count(src, i, end < 0 ? src.length() : end);
                i = end < 0 ? src.length() : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                line += count(src, i, end < 0 ? src.length() : end);
                i = end < 0 ? src.length() : end + 3;
                code.append(" TEXT_BLOCK ");
            } else if (c == '\'') {
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != '\'') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                code.append("'c'");
                i = j + 1;
            } else if (c == '"') {
                StringBuilder lit = new StringBuilder();
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != '"') {
                    if (src.charAt(j) == '\\' && j + 1 < src.length()) {
                        char e = src.charAt(j + 1);
                        lit.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                        j += 2;
                    } else {
                        lit.append(src.charAt(j++));
                    }
                }
                tokens.add(code.toString());
                lines.add(line);
                code.setLength(0);
                tokens.add(lit);
                lines.add(line);
                i = j + 1;
            } else {
                code.append(c);
                i++;
            }
        }
        tokens.add(code.toString());
        lines.add(line);

        List<Piece> out = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        for (int k = 0; k < tokens.size(); k++) {
            Object t = tokens.get(k);
            if (t instanceof StringBuilder lit) {
                if (current == null) {
                    current = new StringBuilder();
                    start = lines.get(k);
                    String before = k > 0 ? (String) tokens.get(k - 1) : "";
                    if (before.strip().endsWith("+")) {
                        String expression = before.substring(Math.max(before.lastIndexOf(';'),
                                before.lastIndexOf('{')) + 1);
                        current.append(expression.contains("sentence(") || expression.contains(".describe()")
                                ? "{}." : "{}");
                    }
                }
                current.append(lit);
                continue;
            }
            String between = (String) t;
            String s = between.strip();
            boolean hasNext = k + 1 < tokens.size() && tokens.get(k + 1) instanceof StringBuilder;
            if (current != null && s.equals("+") && hasNext) {
                continue;
            }
            if (current != null && s.startsWith("+") && s.endsWith("+") && s.length() > 1 && hasNext
                    && isExpression(s.substring(1, s.length() - 1))) {
                // StageException.sentence(...) and describe() end with a full stop: the next sentence may follow.
                current.append(s.contains("sentence(") || s.contains(".describe()") ? "{}." : "{}");
                continue;
            }
            if (current != null) {
                if (s.startsWith("+")) {
                    current.append("{}");
                }
                out.add(new Piece(start, current.toString()));
                current = null;
            }
        }
        if (current != null) {
            out.add(new Piece(start, current.toString()));
        }
        return out;
    }

    private static boolean isExpression(String code) {
        if (code.contains(";") || code.contains("{") || code.contains("}")) {
            return false;
        }
        int depth = 0;
        for (char c : code.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0 && !code.contains(",") || depth == 0 && code.indexOf(',') > code.indexOf('(');
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
