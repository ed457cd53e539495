package io.jenkins.plugins.awsdelivery.core.trivy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable, unique finding IDs: the same issue in the same package, target and image repository gets the same ID on
 * every run, and two different findings never share one. The readable part helps people; a SHA-256 of every
 * identifying field makes the ID unique and keeps it within Security Hub's 512 characters.
 */
final class FindingId {

    private static final int MAX_READABLE = 200;

    private FindingId() {}

    static String of(String repository, String kind, String issue, String... identity) {
        StringBuilder key = new StringBuilder(repository).append('\u0000').append(kind).append('\u0000').append(issue);
        for (String part : identity) {
            key.append('\u0000').append(part == null ? "" : part);
        }
        String readable = "trivy/" + kind + "/" + issue;
        if (readable.length() > MAX_READABLE) {
            readable = readable.substring(0, MAX_READABLE);
        }
        return readable + "/" + sha256(key.toString()).substring(0, 32);
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
