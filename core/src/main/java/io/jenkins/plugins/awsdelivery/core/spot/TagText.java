package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Instance tags written one {@code key=value} per line, as the cloud form and JCasC take them. */
public final class TagText {

    private TagText() {}

    public static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (text == null) {
            return tags;
        }
        int n = 0;
        for (String line : text.split("\\R")) {
            n++;
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw StageException.invalidInput("Tag line " + n + " ('" + l + "') is not key=value.",
                        "Write one tag per line, such as team=ci.");
            }
            tags.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
        }
        return tags;
    }
}
