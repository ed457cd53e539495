package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import io.jenkins.plugins.awsdelivery.core.aws.ApiCallCounter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a check of a Spot cloud configuration found ({@link SpotCheck}): every problem (not only the first), the
 * warnings, what was checked, EC2's answer to a dry-run CreateFleet, and the instances the cloud already has.
 *
 * @param checked one line per thing found in order (subnet, instance type, launch template, image, ...)
 * @param dryRun EC2's answer to the dry-run CreateFleet, or why there was none
 */
public record SpotCheckResult(String cloud, int pools, List<String> checked, List<Problem> problems,
                              List<String> warnings, String dryRun, List<FleetApi.ManagedInstance> instances,
                              Map<String, Long> apiCalls) implements StageResult {

    /** What is wrong, in a sentence with what to do. */
    public enum ProblemKind {
        /** The resource does not exist (in this region and account). */
        NOT_FOUND,
        /** It exists but cannot be used as configured (not offered in the zone, wrong VPC, not available). */
        NOT_USABLE,
        /** AWS denied the call; {@link Problem#iamAction()} names the action to allow. */
        ACCESS_DENIED,
        /** AWS throttled the call beyond the SDK's retries. */
        THROTTLED,
        /** Any other failure of the call. */
        FAILED
    }

    /**
     * One thing that would stop the cloud from launching.
     *
     * @param field the cloud's field it concerns ({@code subnetIds}, {@code launchTemplate}, ...)
     * @param iamAction with {@link ProblemKind#ACCESS_DENIED}: the IAM action to allow; else empty
     */
    public record Problem(String field, ProblemKind kind, String message, String iamAction) {
        public Problem {
            iamAction = iamAction == null ? "" : iamAction;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field", field);
            m.put("kind", kind.name());
            m.put("message", message);
            if (!iamAction.isEmpty()) {
                m.put("iamAction", iamAction);
            }
            return m;
        }
    }

    public SpotCheckResult {
        checked = List.copyOf(checked);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        instances = List.copyOf(instances);
        apiCalls = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(apiCalls));
    }

    /** True when nothing stops the cloud from launching. */
    public boolean passed() {
        return problems.isEmpty();
    }

    /** Every problem, one per line. */
    public String describeProblems() {
        return problems.stream().map(p -> "- " + p.message()).collect(Collectors.joining("\n"));
    }

    /**
     * The checks of {@link SpotCheck} for a front end that reports one message (the cloud form's "Test
     * connection"): throws a {@link StageException} listing every problem found, else returns the result.
     */
    public static SpotCheckResult check(SpotFleetConfig config, Ec2FleetApi api, ApiCallCounter calls) {
        SpotCheckResult result = new SpotCheck(api.aws(), api, Clock.systemUTC()).run(config);
        if (!result.passed()) {
            boolean denied = result.problems().stream().anyMatch(p -> p.kind() == ProblemKind.ACCESS_DENIED);
            throw new StageException(denied ? StageException.Kind.AWS : StageException.Kind.INVALID_INPUT,
                    "Cloud " + config.cloudName() + " has " + result.problems().size() + " problem(s):\n"
                            + result.describeProblems(),
                    denied ? "Allow the IAM actions named above (docs/spot-engine.md lists the policy)." : "");
        }
        return result;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cloud", cloud);
        m.put("passed", passed());
        m.put("pools", pools);
        m.put("problems", problems.stream().map(Problem::toMap).toList());
        m.put("warnings", List.copyOf(warnings));
        m.put("checked", List.copyOf(checked));
        m.put("dryRun", dryRun);
        m.put("instances", instances.stream().map(i -> Map.<String, Object>of("instanceId", i.instanceId(),
                "instanceType", i.pool().instanceType(), "subnetId", i.pool().subnetId(),
                "market", i.market().apiValue(), "state", i.state())).toList());
        m.put("apiCalls", new LinkedHashMap<>(apiCalls));
        return m;
    }
}
