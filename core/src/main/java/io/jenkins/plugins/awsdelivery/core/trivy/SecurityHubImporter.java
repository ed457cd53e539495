package io.jenkins.plugins.awsdelivery.core.trivy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsErrors;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.BatchImportFindingsResponse;
import software.amazon.awssdk.services.securityhub.model.ImportFindingsError;

/**
 * BatchImportFindings in batches of at most 100 findings and 6 MB, within Security Hub's request rate, filled as the
 * findings come: a full batch is sent on one of a few threads while the caller maps the next one, and the caller
 * waits only when {@link #IN_FLIGHT} batches are already on their way (so memory stays bounded). Findings that fail
 * for a transient reason are sent again; the others are reported with their error code. Nothing is dropped
 * silently: every finding ends up imported or in {@link Outcome#failed()}.
 */
final class SecurityHubImporter implements AutoCloseable {

    static final int MAX_FINDINGS = 100;
    static final int MAX_BYTES = 6 * 1024 * 1024;
    /** Batches on their way at once: enough to keep the rate limit busy while the next batch is mapped. */
    static final int IN_FLIGHT = 4;
    private static final int ATTEMPTS = 4;
    private static final Pattern TRANSIENT = Pattern.compile("(?i).*(throttl|internal|unavailable|timeout|"
            + "limitexceeded|toomanyrequests).*");

    /** A finding that did not get in, and why. */
    record Failure(String id, String errorCode, String message) {}

    record Outcome(int imported, List<Failure> failed, int calls) {}

    private final AwsClientFactory aws;
    private final RateLimiter limiter;
    private final BlockingWaiter.Sleeper sleeper;
    private final StageLog log;
    private final Consumer<String> onImported;
    private final ExecutorService senders;
    private final Semaphore slots = new Semaphore(IN_FLIGHT);
    private final AtomicInteger imported = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Failure> failed = new ArrayList<>();
    private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
    private List<AwsSecurityFinding> batch = new ArrayList<>();
    private long batchBytes = 2;

    /**
     * @param onImported called with the ID of every finding Security Hub accepted, on a sender thread
     */
    SecurityHubImporter(AwsClientFactory aws, RateLimiter limiter, BlockingWaiter.Sleeper sleeper, StageLog log,
                        Consumer<String> onImported) {
        this.aws = aws;
        this.limiter = limiter;
        this.sleeper = sleeper;
        this.log = log;
        this.onImported = onImported;
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(IN_FLIGHT, r -> {
            Thread t = new Thread(r, "trivy-securityhub-import-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a finding of {@code bytes} bytes of JSON; sends the batch it fills. */
    void add(AwsSecurityFinding f, int bytes) throws InterruptedException {
        int size = bytes + 1;
        if (!batch.isEmpty() && (batch.size() == MAX_FINDINGS || batchBytes + size > MAX_BYTES)) {
            submit();
        }
        batch.add(f);
        batchBytes += size;
    }

    /** Sends what is left and waits for every batch. */
    Outcome finish() throws InterruptedException {
        if (!batch.isEmpty()) {
            submit();
        }
        slots.acquire(IN_FLIGHT);
        slots.release(IN_FLIGHT);
        Throwable t = unexpected.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        synchronized (failed) {
            return new Outcome(imported.get(), List.copyOf(failed), calls.get());
        }
    }

    /** Imports a list at once (the archive pass). */
    Outcome importAll(List<AwsSecurityFinding> findings) throws InterruptedException {
        for (AwsSecurityFinding f : findings) {
            add(f, AsffJson.size(f));
        }
        return finish();
    }

    @Override
    public void close() {
        senders.shutdownNow();
        try {
            senders.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit() throws InterruptedException {
        List<AwsSecurityFinding> toSend = batch;
        batch = new ArrayList<>();
        batchBytes = 2;
        if (unexpected.get() != null) {
            return;
        }
        slots.acquire();
        try {
            senders.execute(() -> {
                try {
                    send(toSend);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    unexpected.compareAndSet(null, new StageException(StageException.Kind.AWS,
                            "Interrupted while importing findings.", "", e));
                } catch (RuntimeException | Error e) {
                    unexpected.compareAndSet(null, e);
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void send(List<AwsSecurityFinding> first) throws InterruptedException {
        List<AwsSecurityFinding> pending = first;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            BatchImportFindingsResponse response;
            List<AwsSecurityFinding> toSend = pending;
            try {
                limiter.acquire();
                calls.incrementAndGet();
                response = aws.call("securityhub:BatchImportFindings", () -> client()
                        .batchImportFindings(r -> r.findings(toSend)));
            } catch (StageException e) {
                if (attempt < ATTEMPTS && AwsErrors.isTransient(e.getCause())) {
                    backOff(attempt);
                    continue;
                }
                String code = e.getCause() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a
                        ? AwsErrors.errorCode(a) : "RequestFailed";
                synchronized (failed) {
                    toSend.forEach(f -> failed.add(new Failure(f.id(), code, e.getMessage())));
                }
                return;
            }
            Map<String, AwsSecurityFinding> byId = new LinkedHashMap<>();
            toSend.forEach(f -> byId.put(f.id(), f));
            List<AwsSecurityFinding> retry = new ArrayList<>();
            for (ImportFindingsError error : response.failedFindings()) {
                AwsSecurityFinding f = byId.remove(error.id());
                boolean transientError = error.errorCode() != null && TRANSIENT.matcher(error.errorCode()).matches();
                if (f != null && transientError && attempt < ATTEMPTS) {
                    retry.add(f);
                } else {
                    synchronized (failed) {
                        failed.add(new Failure(error.id(), error.errorCode(), error.errorMessage()));
                    }
                }
            }
            imported.addAndGet(response.successCount());
            byId.keySet().forEach(onImported);
            if (!retry.isEmpty()) {
                backOff(attempt);
            }
            pending = retry;
        }
    }

    private void backOff(int attempt) throws InterruptedException {
        Duration d = Duration.ofMillis(200L << Math.min(attempt, 5));
        log.info("Security Hub asked to slow down; trying again in %d ms.", d.toMillis());
        sleeper.sleep(d);
    }

    private SecurityHubClient client() {
        return aws.client(SecurityHubClient::builder);
    }
}
