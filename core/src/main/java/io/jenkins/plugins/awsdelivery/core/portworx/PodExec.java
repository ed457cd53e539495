package io.jenkins.plugins.awsdelivery.core.portworx;

import java.time.Duration;
import java.util.List;

/** Runs a command in a container of a pod, like {@code kubectl exec}. Tests record the calls instead. */
@FunctionalInterface
public interface PodExec {

    /** What a command did: its exit code and its output (standard output and error together). */
    record Result(int exitCode, String output) {}

    Result run(String namespace, String pod, String container, List<String> command, Duration timeout);
}
