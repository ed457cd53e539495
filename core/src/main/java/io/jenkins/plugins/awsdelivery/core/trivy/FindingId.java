package io.jenkins.plugins.awsdelivery.core.trivy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A finding's identity: what a security team means by "the same finding". The image repository (never the tag or
 * digest), the kind, the issue ID and where it is:
 * <ul>
 *   <li>OS package vulnerability: the OS family and the package name;</li>
 *   <li>language package vulnerability: the ecosystem, the file it was found in ({@code PkgPath}, else the
 *       {@code Target}, a lock file) and the package (its package URL without version, else its name);</li>
 *   <li>misconfiguration: the file, and the resource or else the line;</li>
 *   <li>secret: the file and the line.</li>
 * </ul>
 * The installed version is not part of it: the same CVE in a newer version of the same package is the same finding,
 * updated. IDs of this rule start with {@link #PREFIX}; IDs of earlier versions ({@code trivy/<kind>/…}) are
 * recognised by {@link #isEarlierRule} so that the first import after an upgrade archives them.
 */
final class FindingId {

    /** Every ID of this identity rule starts with this. */
    static final String PREFIX = "trivy/v2/";
    private static final int MAX_READABLE = 200;

    private FindingId() {}

    static String of(String repository, String kind, String issue, String... location) {
        StringBuilder key = new StringBuilder("2").append('\u0000').append(repository).append('\u0000').append(kind)
                .append('\u0000').append(issue);
        for (String part : location) {
            key.append('\u0000').append(part == null ? "" : part);
        }
        String readable = PREFIX + kind + "/" + issue;
        if (readable.length() > MAX_READABLE) {
            readable = readable.substring(0, MAX_READABLE);
        }
        return readable + "/" + sha256(key.toString()).substring(0, 32);
    }

    /** An ID this project gave a finding under the identity rule of versions before 2 (the tag was part of it). */
    static boolean isEarlierRule(String id) {
        return id.startsWith("trivy/") && !id.startsWith(PREFIX);
    }

    /** A package URL without its version, qualifiers and subpath: {@code pkg:npm/lodash@4.17.20} → {@code pkg:npm/lodash}. */
    static String unversioned(String purl) {
        if (purl == null || purl.isBlank()) {
            return "";
        }
        String p = purl;
        for (char c : new char[] {'#', '?'}) {
            int i = p.indexOf(c);
            if (i >= 0) {
                p = p.substring(0, i);
            }
        }
        int at = p.lastIndexOf('@');
        return at > p.lastIndexOf('/') ? p.substring(0, at) : p;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
