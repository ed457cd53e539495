package io.jenkins.plugins.awsdelivery.core.portworx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names and labels of everything {@code pxSnapshot} creates. Names come from the job, the build and the source only,
 * so a second attempt of the same build finds the objects of the first instead of making more. Every name is a
 * DNS-1123 label of at most 63 characters (a hash of the full text replaces what does not fit); label values keep to
 * Kubernetes' 63-character rule the same way.
 */
public final class PxNames {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String PROJECT = "aws-delivery-stages";
    public static final String JOB = "aws-delivery-stages.jenkins.io/job";
    public static final String BUILD = "aws-delivery-stages.jenkins.io/build";
    public static final String SOURCE = "aws-delivery-stages.jenkins.io/source";
    public static final String SNAPSHOT = "aws-delivery-stages.jenkins.io/snapshot";
    /** The job's full name, which a label value cannot always hold. */
    public static final String JOB_ANNOTATION = "aws-delivery-stages.jenkins.io/job-name";

    private static final int MAX = 63;

    private final PxSnapshotRequest request;

    public PxNames(PxSnapshotRequest request) {
        this.request = request;
    }

    /** The snapshot (or group snapshot) of this build. */
    public String snapshot() {
        return fit("px-" + slug(request.job()) + "-b" + request.build() + "-" + slug(sourceText()));
    }

    /** The claim restored from the snapshot of {@code sourceClaim}. */
    public String restoredClaim(String sourceClaim) {
        if (request.restoredClaim() != null && !request.group()) {
            return request.restoredClaim();
        }
        return fit("px-" + slug(request.job()) + "-b" + request.build() + "-" + slug(sourceClaim));
    }

    /** Labels on everything this build creates. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>(ownerLabels());
        labels.put(BUILD, Integer.toString(request.build()));
        return labels;
    }

    /** The labels every object of this job and source carries, whatever the build: retention selects with them. */
    public Map<String, String> ownerLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, PROJECT);
        labels.put(JOB, labelValue(request.job()));
        labels.put(SOURCE, labelValue(request.namespace() + "." + sourceText()));
        return labels;
    }

    public Map<String, String> annotations() {
        return Map.of(JOB_ANNOTATION, request.job());
    }

    /** Whether an object found under one of this build's names was made by this job and build. */
    public boolean madeByThisBuild(Map<String, String> labels) {
        return labels != null && labels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private String sourceText() {
        if (!request.group()) {
            return request.pvc();
        }
        StringBuilder sb = new StringBuilder("group");
        new TreeMap<>(request.pvcSelector()).forEach((k, v) -> sb.append('-').append(k).append('-').append(v));
        return sb.toString();
    }

    static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return s.isEmpty() ? "x" : s;
    }

    /** The text itself when it fits 63 characters, else its start and a hash of the whole. */
    static String fit(String name) {
        String n = name.replaceAll("-+$", "");
        if (n.length() <= MAX) {
            return n;
        }
        String hash = hash(name);
        return n.substring(0, MAX - 9).replaceAll("-+$", "") + "-" + hash;
    }

    static String labelValue(String text) {
        String v = text.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("(^[^A-Za-z0-9]+|[^A-Za-z0-9]+$)", "");
        if (v.length() <= MAX) {
            return v;
        }
        return v.substring(0, MAX - 9).replaceAll("[^A-Za-z0-9]+$", "") + "-" + hash(text);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
