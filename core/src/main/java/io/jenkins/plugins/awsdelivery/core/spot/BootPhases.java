package io.jenkins.plugins.awsdelivery.core.spot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Where the time from launch to a connected agent goes, as medians over the last {@link Recorder#KEPT} agents this
 * controller launched and handed a secret to (the lead time warm capacity and the planner work with is their sum):
 * <ul>
 *   <li><b>EC2</b>: from the CreateFleet call until the instance's kernel started;</li>
 *   <li><b>OS boot</b>: from the kernel until the user data script started (the OS and cloud-init);</li>
 *   <li><b>boot script</b>: from then until the request that got the secret (IMDS, the template's init script,
 *       waiting while the controller adds the node);</li>
 *   <li><b>agent start</b>: from the secret until the agent connected (the rest of the agent.jar download, the
 *       JVM, the WebSocket connection).</li>
 * </ul>
 * The first three come from the uptimes the boot script reports ({@link BootReport}); without them (an older
 * script, an implausible report) only launch-to-secret and agent start are known.
 *
 * @param samples          agents measured
 * @param reported         of those, agents whose boot script reported its uptimes
 * @param launchToSecretP50 median seconds from launch to the secret
 * @param ec2P50           median seconds of the EC2 phase, of the reported ones (-1 when none)
 * @param osBootP50        median seconds of the OS boot phase (-1 when none)
 * @param scriptP50        median seconds of the boot script phase (-1 when none)
 * @param agentStartP50    median seconds from the secret to the connected agent
 */
public record BootPhases(int samples, int reported, long launchToSecretP50, long ec2P50, long osBootP50,
                         long scriptP50, long agentStartP50) {

    /** Nothing measured yet. */
    public static final BootPhases NONE = new BootPhases(0, 0, -1, -1, -1, -1, -1);

    /** Reported uptimes may run ahead of the controller's clock by this much (rounding, request transit). */
    static final Duration SLACK = Duration.ofSeconds(5);

    /** One agent's phases in seconds; the reported ones are -1 when the script said nothing usable. */
    record Sample(long launchToSecret, long ec2, long osBoot, long script, long agentStart) {

        static Sample of(Instant launched, Instant secret, Instant connected, BootReport report) {
            long launchToSecret = Math.max(0, Duration.between(launched, secret).toSeconds());
            long agentStart = Math.max(0, Duration.between(secret, connected).toSeconds());
            // The kernel started uptimeAtRequest seconds before the secret, and after the launch: a report saying
            // otherwise (an instance started before this launch, a made-up value) is left out.
            if (report == null || report.uptimeAtRequest() > launchToSecret + SLACK.toSeconds()) {
                return new Sample(launchToSecret, -1, -1, -1, agentStart);
            }
            long ec2 = Math.max(0, Math.round(launchToSecret - report.uptimeAtRequest()));
            long os = Math.round(report.uptimeAtStart());
            long script = Math.round(report.uptimeAtRequest() - report.uptimeAtStart());
            return new Sample(launchToSecret, ec2, os, script, agentStart);
        }
    }

    /** The last agents' samples; not thread-safe (the engine holds its lock). */
    static final class Recorder {
        static final int KEPT = 200;
        private final Deque<Sample> last = new ArrayDeque<>();

        void add(Sample s) {
            if (last.size() >= KEPT) {
                last.removeFirst();
            }
            last.addLast(s);
        }

        BootPhases summary() {
            if (last.isEmpty()) {
                return NONE;
            }
            List<Sample> reported = last.stream().filter(s -> s.ec2() >= 0).toList();
            return new BootPhases(last.size(), reported.size(), median(last, Sample::launchToSecret),
                    median(reported, Sample::ec2), median(reported, Sample::osBoot), median(reported, Sample::script),
                    median(last, Sample::agentStart));
        }

        private static long median(Iterable<Sample> samples, ToLongFunction<Sample> f) {
            List<Long> values = new ArrayList<>();
            samples.forEach(s -> values.add(f.applyAsLong(s)));
            if (values.isEmpty()) {
                return -1;
            }
            values.sort(null);
            return values.get((values.size() - 1) / 2);
        }
    }

    /** The breakdown in words, with the longest phase and what shortens it; empty when nothing was measured. */
    public String describe() {
        if (samples == 0) {
            return "";
        }
        if (reported == 0) {
            return String.format(Locale.ROOT, "Launch to secret %d s, secret to connected agent %d s (median of %d "
                    + "agents; their boot scripts reported no uptimes).", launchToSecretP50, agentStartP50, samples);
        }
        long[] phases = {ec2P50, osBootP50, scriptP50, agentStartP50};
        String[] advice = {
            "EC2 starting the instance takes longest: instance types and pools differ, newer (Nitro) types start "
                    + "faster, and a smaller AMI root volume helps",
            "the OS boot and cloud-init take longest: an image with fewer services starting at boot, and no package "
                    + "updates at boot, shortens it",
            "the boot script takes longest: a package install or update in the template's init script shows here; "
                    + "bake it into the image instead",
            "the agent start takes longest: Java on the image (not installed at boot), and the controller reachable "
                    + "without a slow proxy, shorten it"};
        int longest = 0;
        for (int i = 1; i < phases.length; i++) {
            if (phases[i] > phases[longest]) {
                longest = i;
            }
        }
        return String.format(Locale.ROOT, "EC2 %d s, OS boot %d s, boot script %d s, agent start %d s (median of %d "
                + "agents, %d with uptimes). %s.", ec2P50, osBootP50, scriptP50, agentStartP50, samples, reported,
                advice[longest].substring(0, 1).toUpperCase(Locale.ROOT) + advice[longest].substring(1));
    }
}
