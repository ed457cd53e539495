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
        return calls.entrySet().stream().filter(e -> e.getKey().startsWith(serviceName + "."))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> source) {
        Map<String, Long> out = new TreeMap<>();
        source.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
