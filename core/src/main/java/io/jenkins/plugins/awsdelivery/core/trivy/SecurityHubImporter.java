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
import java.util.regex.Pattern;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.BatchImportFindingsResponse;
import software.amazon.awssdk.services.securityhub.model.ImportFindingsError;

/**
 * BatchImportFindings in batches of at most 100 findings and 6 MB, within Security Hub's request rate. Findings that
 * fail for a transient reason are sent again; the others are reported with their error code. Nothing is dropped
 * silently: every finding ends up imported or in {@link Outcome#failed()}.
 */
final class SecurityHubImporter {

    static final int MAX_FINDINGS = 100;
    static final int MAX_BYTES = 6 * 1024 * 1024;
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

    SecurityHubImporter(AwsClientFactory aws, RateLimiter limiter, BlockingWaiter.Sleeper sleeper, StageLog log) {
        this.aws = aws;
        this.limiter = limiter;
        this.sleeper = sleeper;
        this.log = log;
    }

    Outcome importAll(List<AwsSecurityFinding> findings) {
        int imported = 0;
        int calls = 0;
        List<Failure> failed = new ArrayList<>();
        for (List<AwsSecurityFinding> batch : batches(findings)) {
            List<AwsSecurityFinding> pending = batch;
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                BatchImportFindingsResponse response;
                List<AwsSecurityFinding> toSend = pending;
                try {
                    limiter.acquire();
                    calls++;
                    response = aws.call("securityhub:BatchImportFindings", () -> client()
                            .batchImportFindings(r -> r.findings(toSend)));
                } catch (StageException e) {
                    if (attempt < ATTEMPTS && AwsErrors.isTransient(e.getCause())) {
                        backOff(attempt);
                        continue;
                    }
                    String code = e.getCause() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a
                            ? AwsErrors.errorCode(a) : "RequestFailed";
                    toSend.forEach(f -> failed.add(new Failure(f.id(), code, e.getMessage())));
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StageException(StageException.Kind.AWS, "Interrupted while importing findings.", "", e);
                }
                imported += response.successCount();
                Map<String, AwsSecurityFinding> byId = new LinkedHashMap<>();
                toSend.forEach(f -> byId.put(f.id(), f));
                List<AwsSecurityFinding> retry = new ArrayList<>();
                for (ImportFindingsError error : response.failedFindings()) {
                    AwsSecurityFinding f = byId.get(error.id());
                    boolean transientError = error.errorCode() != null && TRANSIENT.matcher(error.errorCode()).matches();
                    if (f != null && transientError && attempt < ATTEMPTS) {
                        retry.add(f);
                    } else {
                        failed.add(new Failure(error.id(), error.errorCode(), error.errorMessage()));
                    }
                }
                if (!retry.isEmpty()) {
                    backOff(attempt);
                }
                pending = retry;
            }
        }
        return new Outcome(imported, List.copyOf(failed), calls);
    }

    /** Batches of at most 100 findings and 6 MB, in order. */
    static List<List<AwsSecurityFinding>> batches(List<AwsSecurityFinding> findings) {
        List<List<AwsSecurityFinding>> out = new ArrayList<>();
        List<AwsSecurityFinding> current = new ArrayList<>();
        long bytes = 2;
        for (AwsSecurityFinding f : findings) {
            int size = AsffJson.size(f) + 1;
            if (!current.isEmpty() && (current.size() == MAX_FINDINGS || bytes + size > MAX_BYTES)) {
                out.add(current);
                current = new ArrayList<>();
                bytes = 2;
            }
            current.add(f);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private void backOff(int attempt) {
        Duration d = Duration.ofMillis(200L << Math.min(attempt, 5));
        log.info("Security Hub asked to slow down; trying again in %d ms.", d.toMillis());
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(StageException.Kind.AWS, "Interrupted while importing findings.", "", e);
        }
    }

    private SecurityHubClient client() {
        return aws.client(SecurityHubClient::builder);
    }
}
