package io.jenkins.plugins.awsdelivery.core.ecs;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code ecsForceDeploy} deploys and how long it follows the deployment.
 *
 * @param cluster cluster name or ARN
 * @param service service name or ARN
 * @param images container name → image URI for a new task definition revision; the key {@link #ONLY_CONTAINER}
 *     means "the task definition's only container"; empty for none
 * @param taskDefinition a task definition (family:revision or ARN) to deploy instead; null to keep the current one
 * @param forceNewDeployment start new tasks even when nothing changed
 * @param desiredCount a new desired count, or null to keep it
 * @param waitForOutcome follow the deployment to its end (otherwise return once it started)
 * @param timeout how long to follow it
 * @param rollbackOnTimeout at the timeout, stop the deployment and roll back
 * @param minPollInterval the shortest time between polls
 * @param maxPollInterval the longest time between polls
 * @param requireDigest when an image is pinned by digest ({@code repo@sha256:...}), a running task that reports no
 *     digest fails the deployment instead of being a warning
 */
public record EcsDeployRequest(String cluster, String service, Map<String, String> images, String taskDefinition,
                               boolean forceNewDeployment, Integer desiredCount, boolean waitForOutcome,
                               Duration timeout, boolean rollbackOnTimeout, Duration minPollInterval,
                               Duration maxPollInterval, boolean requireDigest) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The key of {@link #images} for "the task definition's only container". */
    public static final String ONLY_CONTAINER = "";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(20);
    public static final Duration DEFAULT_MIN_POLL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_POLL = Duration.ofSeconds(15);

    public EcsDeployRequest {
        cluster = require("cluster", cluster);
        service = require("service", service);
        images = images == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(images));
        images.forEach((container, image) -> {
            if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
                throw StageException.invalidInput("Image '" + image + "' for " + (ONLY_CONTAINER.equals(container)
                        ? "the task definition's only container" : "container '" + container + "'")
                        + " is not an image URI.", "Use a URI such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2.");
            }
        });
        taskDefinition = taskDefinition == null || taskDefinition.isBlank() ? null : taskDefinition.trim();
        if (taskDefinition != null && !images.isEmpty()) {
            throw StageException.invalidInput("Both image and taskDefinition were given.",
                    "Give image to deploy a new revision of the current task definition, or taskDefinition to "
                            + "deploy a revision you registered yourself, not both.");
        }
        if (desiredCount != null && desiredCount < 0) {
            throw StageException.invalidInput("desiredCount " + desiredCount + " is negative.", "Use 0 or more.");
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw StageException.invalidInput("timeout " + timeout.toSeconds() + "s is not positive.",
                    "Give how long to follow the deployment, such as 20m; nothing was deployed.");
        }
        minPollInterval = minPollInterval == null ? DEFAULT_MIN_POLL : minPollInterval;
        maxPollInterval = maxPollInterval == null ? DEFAULT_MAX_POLL : maxPollInterval;
        if (minPollInterval.compareTo(Duration.ofSeconds(1)) < 0 || maxPollInterval.compareTo(minPollInterval) < 0) {
            throw StageException.invalidInput("Poll interval bounds " + minPollInterval.toSeconds() + "s.."
                    + maxPollInterval.toSeconds() + "s are not valid.",
                    "Use a minimum of at least 1 second and a maximum at least as long as the minimum.");
        }
    }

    /** A request that warns, and does not fail, when tasks of a digest-pinned image report no digest. */
    public EcsDeployRequest(String cluster, String service, Map<String, String> images, String taskDefinition,
                            boolean forceNewDeployment, Integer desiredCount, boolean waitForOutcome, Duration timeout,
                            boolean rollbackOnTimeout, Duration minPollInterval, Duration maxPollInterval) {
        this(cluster, service, images, taskDefinition, forceNewDeployment, desiredCount, waitForOutcome, timeout,
                rollbackOnTimeout, minPollInterval, maxPollInterval, false);
    }

    public EcsDeployRequest withRequireDigest(boolean require) {
        return new EcsDeployRequest(cluster, service, images, taskDefinition, forceNewDeployment, desiredCount,
                waitForOutcome, timeout, rollbackOnTimeout, minPollInterval, maxPollInterval, require);
    }

    /** Polls between the request's bounds, backing off by half while nothing changes. */
    public io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy waitPolicy() {
        return new io.jenkins.plugins.awsdelivery.core.wait.WaitPolicy(minPollInterval, maxPollInterval, 1.5, 0.2,
                null);
    }

    /** A force-new-deployment of the current task definition, followed for 20 minutes. */
    public static EcsDeployRequest forceNew(String cluster, String service) {
        return new EcsDeployRequest(cluster, service, Map.of(), null, true, null, true, null, false, null, null);
    }

    public EcsDeployRequest withImages(Map<String, String> newImages) {
        return new EcsDeployRequest(cluster, service, newImages, taskDefinition, forceNewDeployment, desiredCount,
                waitForOutcome, timeout, rollbackOnTimeout, minPollInterval, maxPollInterval, requireDigest);
    }

    public EcsDeployRequest withTimeout(Duration newTimeout, boolean rollback) {
        return new EcsDeployRequest(cluster, service, images, taskDefinition, forceNewDeployment, desiredCount,
                waitForOutcome, newTimeout, rollback, minPollInterval, maxPollInterval, requireDigest);
    }

    public EcsDeployRequest withDesiredCount(Integer count) {
        return new EcsDeployRequest(cluster, service, images, taskDefinition, forceNewDeployment, count,
                waitForOutcome, timeout, rollbackOnTimeout, minPollInterval, maxPollInterval, requireDigest);
    }

    public EcsDeployRequest withTaskDefinition(String arn) {
        return new EcsDeployRequest(cluster, service, images, arn, forceNewDeployment, desiredCount,
                waitForOutcome, timeout, rollbackOnTimeout, minPollInterval, maxPollInterval, requireDigest);
    }

    /**
     * Images as users write them: {@code web=URI} pairs (comma- or line-separated, or one per list item), or one
     * bare URI meaning the task definition's only container.
     */
    public static Map<String, String> parseImages(java.util.List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : values) {
            for (String v : item.split("[,\\n]")) {
                if (v.isBlank()) {
                    continue;
                }
                int eq = v.indexOf('=');
                // An image URI never contains '=', so the first one separates the container name.
                String container = eq < 0 ? ONLY_CONTAINER : v.substring(0, eq).trim();
                String uri = eq < 0 ? v.trim() : v.substring(eq + 1).trim();
                if (out.put(container, uri) != null) {
                    throw StageException.invalidInput("image names container '" + container + "' twice.",
                            "Give one image per container.");
                }
            }
        }
        if (out.containsKey(ONLY_CONTAINER) && out.size() > 1) {
            throw StageException.invalidInput("A bare image URI was mixed with container=URI images.",
                    "Name the container of every image when you give several.");
        }
        return out;
    }

    private static String require(String name, String value) {
        if (value == null || value.isBlank()) {
            throw StageException.invalidInput("No ECS " + name + " was given.", "Name the " + name
                    + " to deploy (its name or ARN).");
        }
        return value.trim();
    }
}
