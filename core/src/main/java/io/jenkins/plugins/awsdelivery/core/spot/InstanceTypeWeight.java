package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * An instance type the cloud may launch, with its weight: how many agents' worth of executors one instance of it
 * provides (an {@code m5.2xlarge} of weight 2 runs twice the executors of an {@code m5.xlarge} of weight 1).
 */
public record InstanceTypeWeight(String instanceType, int weight) implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9-]+");

    public InstanceTypeWeight {
        if (instanceType == null || !TYPE.matcher(instanceType.trim()).matches()) {
            throw StageException.invalidInput("'" + instanceType + "' is not an EC2 instance type.",
                    "Write instance types like m5.large or c6i.xlarge, optionally with a weight: m5.2xlarge:2.");
        }
        instanceType = instanceType.trim();
        if (weight < 1 || weight > 64) {
            throw StageException.invalidInput("Weight " + weight + " of instance type " + instanceType
                    + " is outside 1 to 64.", "Give each type the number of agents' worth of executors it offers.");
        }
    }

    /** Parses {@code m5.large} or {@code m5.2xlarge:2}. */
    public static InstanceTypeWeight parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.indexOf(':');
        if (colon < 0) {
            return new InstanceTypeWeight(t, 1);
        }
        String w = t.substring(colon + 1).trim();
        try {
            return new InstanceTypeWeight(t.substring(0, colon), Integer.parseInt(w));
        } catch (NumberFormatException e) {
            throw StageException.invalidInput("Weight '" + w + "' of instance type '" + t.substring(0, colon)
                    + "' is not a whole number.", "Write it like m5.2xlarge:2.");
        }
    }
}
