package io.jenkins.plugins.awsdelivery.wait;

import hudson.init.Terminator;
import io.jenkins.plugins.awsdelivery.core.wait.WorkerPool;
import jenkins.util.SystemProperties;
import jenkins.util.Timer;

/**
 * The plugin's own threads for the AWS and Kubernetes calls of its Pipeline steps: {@link Timer} (shared by all of
 * Jenkins) only schedules, these few named threads ({@value #THREAD_NAME}-N) call. Size them with the system
 * property {@code io.jenkins.plugins.awsdelivery.wait.StepWorkers.threads} (default {@value #DEFAULT_THREADS}).
 */
public final class StepWorkers {

    public static final String THREAD_NAME = "aws-delivery-stages-worker";
    static final int DEFAULT_THREADS = 4;
    static final int QUEUE = 1000;

    private static WorkerPool pool;

    private StepWorkers() {}

    /** The running pool; a new one after a restart of Jenkins in the same JVM (tests). */
    public static synchronized WorkerPool pool() {
        if (pool == null || pool.closing()) {
            int threads = Math.max(1, SystemProperties.getInteger(StepWorkers.class.getName() + ".threads",
                    DEFAULT_THREADS));
            pool = new WorkerPool(Timer.get(), THREAD_NAME, threads, QUEUE);
        }
        return pool;
    }

    /**
     * When Jenkins stops: interrupt the calls in flight. Their steps report nothing and resume after the restart,
     * from the state they saved.
     */
    @Terminator
    public static synchronized void shutDown() {
        if (pool != null) {
            pool.close();
        }
    }
}
