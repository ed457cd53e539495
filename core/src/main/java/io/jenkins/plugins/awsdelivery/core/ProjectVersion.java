package io.jenkins.plugins.awsdelivery.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this project, as built; used in user agents and {@code --version}. */
public final class ProjectVersion {

    public static final String NAME = "aws-delivery-stages";

    private static final String VERSION = load();

    private ProjectVersion() {}

    public static String version() {
        return VERSION;
    }

    /** {@code aws-delivery-stages/1.2.3}, the suffix this project adds to every AWS user agent. */
    public static String userAgent() {
        return NAME + "/" + VERSION;
    }

    private static String load() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("project.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
