package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;

/**
 * Attribute-based instance type selection: EC2 picks any current type within these vCPU and memory ranges, so new
 * instance families are used without a configuration change.
 *
 * @param maxVcpu 0 for no upper bound
 * @param maxMemoryMiB 0 for no upper bound
 */
public record InstanceRequirementsSpec(int minVcpu, int maxVcpu, int minMemoryMiB, int maxMemoryMiB)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public InstanceRequirementsSpec {
        if (minVcpu < 1) {
            throw StageException.invalidInput("The minimum vCPU count must be at least 1, not " + minVcpu + ".",
                    "Give a vCPU range such as 2 to 8.");
        }
        if (maxVcpu != 0 && maxVcpu < minVcpu) {
            throw StageException.invalidInput("The vCPU range " + minVcpu + " to " + maxVcpu + " is empty.",
                    "Make the maximum at least the minimum, or 0 for no maximum.");
        }
        if (minMemoryMiB < 0 || maxMemoryMiB != 0 && maxMemoryMiB < minMemoryMiB) {
            throw StageException.invalidInput("The memory range " + minMemoryMiB + " to " + maxMemoryMiB
                    + " MiB is empty.", "Make the maximum at least the minimum, or 0 for no maximum.");
        }
    }

    @Override
    public String toString() {
        return minVcpu + "-" + (maxVcpu == 0 ? "any" : maxVcpu) + " vCPU, " + minMemoryMiB + "-"
                + (maxMemoryMiB == 0 ? "any" : maxMemoryMiB) + " MiB";
    }
}
