package io.jenkins.plugins.awsdelivery.core;

/** The outcome of a gate stage: its verdict and the message that explains it, the same for every gate. */
public interface GateResult extends StageResult {

    GateVerdict verdict();

    String message();

    default boolean passed() {
        return verdict() == GateVerdict.PASSED;
    }
}
