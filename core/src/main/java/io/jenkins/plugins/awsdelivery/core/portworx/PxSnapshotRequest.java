package io.jenkins.plugins.awsdelivery.core.portworx;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code pxSnapshot} snapshots, how it keeps the application consistent, and where it restores. Built with
 * {@link #builder(String, String, int)}; every optional part has a plain default.
 *
 * @param namespace the source claims' namespace
 * @param pvc one claim to snapshot; null when {@code pvcSelector} selects a group
 * @param pvcSelector labels selecting several claims for a group snapshot taken at one point in time; empty for one
 * @param method how to snapshot
 * @param snapshotClass the CSI VolumeSnapshotClass (or VolumeGroupSnapshotClass) to use; null to find the Portworx one
 * @param preSnapshotRule a Stork Rule run before the snapshot (Stork only)
 * @param postSnapshotRule a Stork Rule run after the snapshot (Stork only)
 * @param freezeCommand a shell command run in a pod of the application before the snapshot; null for none
 * @param unfreezeCommand the shell command that undoes it; always run once the snapshot is taken or has failed
 * @param freezePod the pod to run them in; null for a running pod that mounts the (first) claim
 * @param freezeContainer the container to run them in; null for the pod's first container
 * @param restoreTo the namespace to restore new claims into; null not to restore
 * @param restoredClaim the restored claim's name (single claim only); null for a name derived from job and build
 * @param stagingWorkload {@code deployment/NAME} or {@code statefulset/NAME} in {@code restoreTo} to point at the
 *     restored claim; null for none
 * @param stagingVolume the pod template volume of the workload to repoint; null when it has only one claim volume
 * @param retain keep this many newest snapshots this job made of the same source, delete older ones; 0 keeps all
 * @param deleteRestoredClaims with {@code retain}, also delete the claims restored from deleted snapshots
 * @param keepOnFailure keep what this run created when it fails (for a look at it)
 * @param timeout how long the whole stage may wait
 * @param job the Jenkins job's full name (names and labels everything this stage creates)
 * @param build the build number
 */
public record PxSnapshotRequest(String namespace, String pvc, Map<String, String> pvcSelector, SnapshotMethod method,
                                String snapshotClass, String preSnapshotRule, String postSnapshotRule,
                                String freezeCommand, String unfreezeCommand, String freezePod,
                                String freezeContainer, String restoreTo, String restoredClaim,
                                String stagingWorkload, String stagingVolume, int retain,
                                boolean deleteRestoredClaims, boolean keepOnFailure, Duration timeout, String job,
                                int build) implements Serializable {

    private static final long serialVersionUID = 1L;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    private static final Pattern WORKLOAD = Pattern.compile("(deployment|statefulset|deploy|sts)/(.+)",
            Pattern.CASE_INSENSITIVE);

    public PxSnapshotRequest {
        namespace = dnsLabel("namespace", require("namespace", namespace));
        pvc = blankToNull(pvc);
        pvcSelector = pvcSelector == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(pvcSelector));
        if ((pvc == null) == pvcSelector.isEmpty()) {
            throw StageException.invalidInput(pvc == null ? "No claim to snapshot was given."
                    : "Both pvc and pvcSelector were given.",
                    "Give pvc for one PersistentVolumeClaim, or pvcSelector (labels such as app=mongo) for a group "
                            + "snapshot of several claims, not both.");
        }
        if (pvc != null) {
            dnsSubdomain("pvc", pvc);
        }
        method = method == null ? SnapshotMethod.AUTO : method;
        snapshotClass = blankToNull(snapshotClass);
        preSnapshotRule = blankToNull(preSnapshotRule);
        postSnapshotRule = blankToNull(postSnapshotRule);
        if (method == SnapshotMethod.CSI && (preSnapshotRule != null || postSnapshotRule != null)) {
            throw StageException.invalidInput("Stork snapshot rules were given with method 'csi'.",
                    "Use method 'stork' (or 'auto') for preSnapshotRule and postSnapshotRule, or freezeCommand and "
                            + "unfreezeCommand with CSI.");
        }
        if (method == SnapshotMethod.STORK && snapshotClass != null) {
            throw StageException.invalidInput("snapshotClass was given with method 'stork'.",
                    "A snapshot class is for CSI snapshots; leave it out with Stork.");
        }
        freezeCommand = blankToNull(freezeCommand);
        unfreezeCommand = blankToNull(unfreezeCommand);
        if ((freezeCommand == null) != (unfreezeCommand == null)) {
            throw StageException.invalidInput(freezeCommand == null ? "unfreezeCommand was given without freezeCommand."
                            : "freezeCommand was given without unfreezeCommand.",
                    "Give both: the command that stops writes and the one that lets them go on again.");
        }
        freezePod = blankToNull(freezePod);
        freezeContainer = blankToNull(freezeContainer);
        restoreTo = blankToNull(restoreTo);
        if (restoreTo != null) {
            dnsLabel("restoreTo", restoreTo);
        }
        restoredClaim = blankToNull(restoredClaim);
        if (restoredClaim != null) {
            if (restoreTo == null || pvc == null) {
                throw StageException.invalidInput("restoredClaim was given " + (restoreTo == null
                                ? "without restoreTo." : "for a group snapshot."),
                        "Name the restored claim only when one claim is restored (pvc and restoreTo).");
            }
            dnsSubdomain("restoredClaim", restoredClaim);
        }
        stagingWorkload = blankToNull(stagingWorkload);
        if (stagingWorkload != null) {
            if (restoreTo == null) {
                throw StageException.invalidInput("stagingWorkload was given without restoreTo.",
                        "Restore the snapshot (restoreTo) into the staging workload's namespace.");
            }
            if (pvc == null) {
                throw StageException.invalidInput("stagingWorkload was given for a group snapshot.",
                        "Repoint a staging workload from a single-claim snapshot (pvc), or repoint the group's "
                                + "restored claims yourself from the result's restoredClaims.");
            }
            if (!WORKLOAD.matcher(stagingWorkload).matches()) {
                throw StageException.invalidInput("stagingWorkload '" + stagingWorkload + "' is not a workload.",
                        "Write it as deployment/NAME or statefulset/NAME.");
            }
        }
        stagingVolume = blankToNull(stagingVolume);
        if (retain < 0) {
            throw StageException.invalidInput("retain " + retain + " is negative.",
                    "Use 0 to keep every snapshot, or the number of newest snapshots to keep.");
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw StageException.invalidInput("timeout " + timeout + " is not positive.", "Give a timeout such as 15m.");
        }
        job = require("job", job);
        if (build < 1) {
            throw StageException.invalidInput("Build number " + build + " is not positive.", "Give the build number.");
        }
    }

    public static Builder builder(String namespace, String job, int build) {
        return new Builder(namespace, job, build);
    }

    public boolean group() {
        return pvc == null;
    }

    /** Polls every 2 s at first, backing off to 15 s while nothing changes. */
    public WaitPolicy waitPolicy() {
        return new WaitPolicy(Duration.ofSeconds(2), Duration.ofSeconds(15), 1.5, 0.2, null);
    }

    /** The workload kind, {@code deployment} or {@code statefulset}; null without a staging workload. */
    public String stagingWorkloadKind() {
        if (stagingWorkload == null) {
            return null;
        }
        var m = WORKLOAD.matcher(stagingWorkload);
        m.matches();
        String kind = m.group(1).toLowerCase(Locale.ROOT);
        return kind.startsWith("deploy") ? "deployment" : "statefulset";
    }

    public String stagingWorkloadName() {
        if (stagingWorkload == null) {
            return null;
        }
        var m = WORKLOAD.matcher(stagingWorkload);
        m.matches();
        return m.group(2);
    }

    /** Labels as users write them: {@code app=mongo,tier=db} (commas or new lines). */
    public static Map<String, String> parseSelector(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String part : text.split("[,\\n]")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw StageException.invalidInput("pvcSelector part '" + part.trim() + "' is not a label.",
                        "Write labels as key=value pairs separated by commas, such as app=mongo,tier=db.");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    private static String require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw StageException.invalidInput("No " + name + " was given.", "Give the " + name + ".");
        }
        return value.trim();
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String dnsLabel(String name, String value) {
        if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            throw StageException.invalidInput(name + " '" + value + "' is not a valid Kubernetes namespace name.",
                    "Use lower-case letters, digits and '-', at most 63 characters.");
        }
        return value;
    }

    private static void dnsSubdomain(String name, String value) {
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            throw StageException.invalidInput(name + " '" + value + "' is not a valid Kubernetes object name.",
                    "Use lower-case letters, digits, '-' and '.'.");
        }
    }

    /** Builds a request; unset parts keep their defaults. */
    public static final class Builder {
        private final String namespace;
        private final String job;
        private final int build;
        private String pvc;
        private Map<String, String> pvcSelector = Map.of();
        private SnapshotMethod method = SnapshotMethod.AUTO;
        private String snapshotClass;
        private String preSnapshotRule;
        private String postSnapshotRule;
        private String freezeCommand;
        private String unfreezeCommand;
        private String freezePod;
        private String freezeContainer;
        private String restoreTo;
        private String restoredClaim;
        private String stagingWorkload;
        private String stagingVolume;
        private int retain;
        private boolean deleteRestoredClaims;
        private boolean keepOnFailure;
        private Duration timeout;

        private Builder(String namespace, String job, int build) {
            this.namespace = namespace;
            this.job = job;
            this.build = build;
        }

        public Builder pvc(String v) { pvc = v; return this; }
        public Builder pvcSelector(Map<String, String> v) { pvcSelector = v; return this; }
        public Builder method(SnapshotMethod v) { method = v; return this; }
        public Builder snapshotClass(String v) { snapshotClass = v; return this; }
        public Builder rules(String pre, String post) { preSnapshotRule = pre; postSnapshotRule = post; return this; }
        public Builder freeze(String freeze, String unfreeze) {
            freezeCommand = freeze;
            unfreezeCommand = unfreeze;
            return this;
        }
        public Builder freezePod(String pod, String container) {
            freezePod = pod;
            freezeContainer = container;
            return this;
        }
        public Builder restoreTo(String v) { restoreTo = v; return this; }
        public Builder restoredClaim(String v) { restoredClaim = v; return this; }
        public Builder staging(String workload, String volume) {
            stagingWorkload = workload;
            stagingVolume = volume;
            return this;
        }
        public Builder retain(int v, boolean deleteClaims) { retain = v; deleteRestoredClaims = deleteClaims; return this; }
        public Builder keepOnFailure(boolean v) { keepOnFailure = v; return this; }
        public Builder timeout(Duration v) { timeout = v; return this; }

        public PxSnapshotRequest build() {
            return new PxSnapshotRequest(namespace, pvc, pvcSelector, method, snapshotClass, preSnapshotRule,
                    postSnapshotRule, freezeCommand, unfreezeCommand, freezePod, freezeContainer, restoreTo,
                    restoredClaim, stagingWorkload, stagingVolume, retain, deleteRestoredClaims, keepOnFailure,
                    timeout, job, build);
        }
    }
}
