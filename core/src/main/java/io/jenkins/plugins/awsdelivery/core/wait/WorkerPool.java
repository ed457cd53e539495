package io.jenkins.plugins.awsdelivery.core.wait;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where the work of waiting stages runs: a shared timer only decides <em>when</em> (in Jenkins, {@code
 * jenkins.util.Timer}, ten threads for all of Jenkins, which must never block on the network), and a small bounded
 * pool of named threads of our own makes the AWS and Kubernetes calls. When the pool's queue is full, work is not
 * dropped: the timer offers it again a little later, so a burst of waits slows down instead of failing.
 */
public final class WorkerPool implements AutoCloseable {

    /** How long full-queue work waits before it is offered again. */
    static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(1);

    private static final Logger LOGGER = Logger.getLogger(WorkerPool.class.getName());

    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor workers;
    private final String threadName;

    /**
     * @param timer schedules only; shared with others and never shut down here
     * @param threadName the worker threads' name prefix, shown in thread dumps
     * @param threads how many calls may run at once
     * @param queue how many more may wait for a thread before work is deferred
     */
    public WorkerPool(ScheduledExecutorService timer, String threadName, int threads, int queue) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException("threads and queue must be positive: " + threads + ", " + queue);
        }
        this.timer = Objects.requireNonNull(timer, "timer");
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                namedThreads(threadName));
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** The worker threads' name prefix. */
    public String threadName() {
        return threadName;
    }

    /** How many workers run a task now. */
    public int busy() {
        return workers.getActiveCount();
    }

    /** True once {@link #close()} began: work that fails now failed because the controller is stopping. */
    public boolean closing() {
        return workers.isShutdown();
    }

    /**
     * Runs {@code work} on a worker after {@code delay}: the timer fires, the worker calls.
     *
     * @return a handle to cancel the timer (work already on a worker is not interrupted)
     */
    public Future<?> schedule(Duration delay, Runnable work) {
        long millis = Math.max(0, delay.toMillis());
        return timer.schedule(() -> submit(work), millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code work} on a worker as soon as one is free. */
    public void submit(Runnable work) {
        if (closing()) {
            return;
        }
        try {
            workers.execute(work);
        } catch (RejectedExecutionException e) {
            if (closing()) {
                return;
            }
            LOGGER.log(Level.FINE, "{0} is full; offering the work again in {1}",
                    new Object[] {threadName, RETRY_WHEN_FULL});
            timer.schedule(() -> submit(work), RETRY_WHEN_FULL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Interrupts the calls in flight and drops queued work; the timer is not touched. */
    @Override
    public void close() {
        workers.shutdownNow();
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
