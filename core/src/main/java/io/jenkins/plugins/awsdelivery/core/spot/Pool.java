package io.jenkins.plugins.awsdelivery.core.spot;

import java.io.Serializable;
import java.util.Objects;

/**
 * One capacity pool: an instance type in one subnet (so one Availability Zone). With attribute-based selection
 * the instance type is {@link #ANY_TYPE} until EC2 has picked one.
 */
public record Pool(String instanceType, String subnetId) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Placeholder type of a pool selected by vCPU and memory attributes. */
    public static final String ANY_TYPE = "*";

    public Pool {
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(subnetId, "subnetId");
    }

    @Override
    public String toString() {
        return instanceType + "@" + subnetId;
    }
}
