package io.jenkins.plugins.awsdelivery.core.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts AWS API calls by {@code Service.Operation}, as results and benchmarks report them. A call is one
 * operation as the code asked for it; each HTTP attempt (retries included) is counted separately.
 */
public final class ApiCallCounter implements ExecutionInterceptor {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(key(attributes), k -> new LongAdder()).increment();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.computeIfAbsent(key(attributes), k -> new LongAdder()).increment();
    }

    private static String key(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    /** Calls so far, by {@code Service.Operation}, sorted by name. */
    public Map<String, Long> calls() {
        return snapshot(calls);
    }

    /** HTTP attempts so far (calls plus SDK retries), by {@code Service.Operation}. */
    public Map<String, Long> attempts() {
        return snapshot(attempts);
    }

    public long totalCalls() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long totalAttempts() {
        return attempts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Calls to one service (its SDK service name, such as {@code ECS} or {@code SecurityHub}). */
    public long callsTo(String serviceName) {
        return calls.entrySet().stream().filter(e -> ofService(e.getKey(), serviceName))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /**
     * HTTP requests sent to one service: every attempt of every call, SDK retries and failovers to another endpoint
     * included. This is what results report as {@code apiCalls}, so that it matches what the service saw.
     */
    public long attemptsTo(String serviceName) {
        return attempts.entrySet().stream().filter(e -> ofService(e.getKey(), serviceName))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** HTTP requests sent to one service by operation name ({@code DescribeServices}), sorted by name. */
    public Map<String, Long> attemptsByOperation(String serviceName) {
        Map<String, Long> out = new TreeMap<>();
        attempts.forEach((k, v) -> {
            if (ofService(k, serviceName)) {
                out.put(k.substring(k.indexOf('.') + 1), v.sum());
            }
        });
        return out;
    }

    private static boolean ofService(String key, String serviceName) {
        return key.regionMatches(true, 0, serviceName + ".", 0, serviceName.length() + 1);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> source) {
        Map<String, Long> out = new TreeMap<>();
        source.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
