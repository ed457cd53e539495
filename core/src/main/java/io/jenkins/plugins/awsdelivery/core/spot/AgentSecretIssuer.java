package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides whether an instance that asks for its inbound agent secret at boot gets it. CreateFleet gives every
 * instance the same user data, so the secret cannot be in it; the instance proves who it is with the instance
 * identity document EC2 signs for it (IMDSv2), and gets the secret only when all of this holds:
 * <ol>
 *   <li>the request's source has not asked too often (a per-source rate limit, generous enough for a fleet behind
 *       one NAT address; a source over it is told to slow down and retry, not refused);</li>
 *   <li>the document's PKCS7 signature verifies with a trusted AWS certificate;</li>
 *   <li>the document names this cloud's Region, and its {@code pendingTime} is within the connect timeout;</li>
 *   <li>no secret was handed out for the instance before (the ledger is persisted by the caller);</li>
 *   <li>the engine launched (or adopted) the instance and its agent has not connected yet;</li>
 *   <li>EC2 confirms the instance runs in the document's account and carries this cloud's identity tags.</li>
 * </ol>
 * The source address and forwarded headers decide nothing. Checks run cheapest first: no EC2 call happens for a
 * request whose signature does not verify. Every refusal looks the same to the caller; the reason is logged at
 * FINE and counted. An instance whose agent node is not in Jenkins yet is told to retry, and its one secret is
 * not used up.
 */
public final class AgentSecretIssuer {

    private static final Logger LOGGER = Logger.getLogger(AgentSecretIssuer.class.getName());
    /** Clock skew allowed between EC2 and the controller for a document's pendingTime. */
    static final Duration SKEW = Duration.ofMinutes(5);

    /** Why a request was refused: counted on the cloud's page, never told to the caller. */
    public enum Refusal {
        RATE_LIMITED, BAD_SIGNATURE, MALFORMED_DOCUMENT, OTHER_REGION, TOO_OLD, ALREADY_ISSUED, NOT_LAUNCHING,
        NOT_IN_EC2, UNTAGGED, OTHER_ACCOUNT, EC2_ERROR, NOT_SAVED
    }

    /**
     * What an instance asks with: the identity document and its signatures, as IMDS serves them, and the seconds
     * since its kernel started when its boot script started and when it sent this request (its {@code
     * /proc/uptime}; {@code null} from an older script). The uptimes only feed the boot-time breakdown on the
     * cloud's page ({@link BootReport}); they decide nothing.
     */
    public record SecretRequest(String source, String document, String pkcs7, String rsa2048, String uptimeAtStart,
                                String uptimeAtRequest) {

        public SecretRequest(String source, String document, String pkcs7, String rsa2048) {
            this(source, document, pkcs7, rsa2048, null, null);
        }
    }

    /** The answer: the secret, "retry later", or a refusal, with the HTTP status and body the instance gets. */
    public sealed interface Answer {
        int status();

        String body();

        record Granted(String instanceId, String secret) implements Answer {
            public int status() {
                return 200;
            }

            public String body() {
                return secret;
            }

            @Override
            public String toString() {
                return "Granted[" + instanceId + "]";
            }
        }

        /** The agent's node is not in Jenkins yet: the boot script asks again in a few seconds. */
        record Retry(String instanceId) implements Answer {
            public int status() {
                return 503;
            }

            public String body() {
                return "Not ready, retry.\n";
            }
        }

        /**
         * The source asked too often: it is told to slow down and retry (the boot scripts back off). Only the
         * source's own request rate is told, nothing about the instance or the cloud.
         */
        record SlowDown(String source) implements Answer {
            public int status() {
                return 429;
            }

            public String body() {
                return "Too many requests, retry.\n";
            }
        }

        /** The same status and body whatever the reason, so a refusal tells the caller nothing. */
        record Refused(Refusal reason, String detail) implements Answer {
            public int status() {
                return 403;
            }

            public String body() {
                return "Refused.\n";
            }
        }
    }

    /** The cloud's agents as Jenkins holds them, and the persisted record of secrets handed out. */
    public interface AgentLedger {
        /** The agent's inbound secret, or empty while its node is not in Jenkins yet. */
        Optional<String> secret(String instanceId);

        boolean issued(String instanceId);

        /** Records, durably, that the secret was handed out; throws when it cannot be saved. */
        void markIssued(String instanceId) throws Exception;
    }

    private final SourceRateLimit rateLimit;
    private volatile List<X509Certificate> trusted;
    private final Map<Refusal, Long> refusals = new EnumMap<>(Refusal.class);
    private long granted;

    public AgentSecretIssuer(List<X509Certificate> trusted, SourceRateLimit rateLimit) {
        this.trusted = List.copyOf(trusted);
        this.rateLimit = rateLimit;
    }

    /**
     * Requests a source may send at once. Agents in private subnets often reach the controller through one NAT
     * gateway or proxy address, so a nightly spike of 75 launches must not wait on each other; a signature check
     * takes well under a millisecond, so this bounds nothing a client could hurt the controller with.
     */
    static final int RATE_BURST = 100;
    /** Then one request per this much time per source: 10 a second. */
    static final Duration RATE_REFILL = Duration.ofMillis(100);

    /** The defaults: AWS's bundled certificates and the per-source rate limit above. */
    public static AgentSecretIssuer withBundledCertificates() {
        return new AgentSecretIssuer(IdentityCertificates.bundled(), rateLimit());
    }

    /** A fresh per-source rate limit with the defaults above. */
    public static SourceRateLimit rateLimit() {
        return new SourceRateLimit(RATE_BURST, RATE_REFILL);
    }

    /** Replaces the trusted certificates (the administrator changed the extra ones). */
    public void trust(List<X509Certificate> certificates) {
        this.trusted = List.copyOf(certificates);
    }

    /**
     * @param region the cloud's Region, as its EC2 client resolves it
     */
    public Answer answer(SecretRequest req, SpotEngine engine, String region, AgentLedger ledger, Instant now) {
        if (!rateLimit.allow(req.source(), now)) {
            count(Refusal.RATE_LIMITED, "from " + req.source());
            return new Answer.SlowDown(req.source());
        }
        Optional<byte[]> content = verified(req);
        if (content.isEmpty()) {
            return refuse(Refusal.BAD_SIGNATURE, "from " + req.source());
        }
        Optional<InstanceIdentity> parsed = InstanceIdentity.parse(content.get());
        if (parsed.isEmpty()) {
            return refuse(Refusal.MALFORMED_DOCUMENT, "from " + req.source());
        }
        InstanceIdentity doc = parsed.get();
        if (!doc.region().equals(region)) {
            return refuse(Refusal.OTHER_REGION, doc.instanceId() + " is in " + doc.region());
        }
        Duration timeout = engine.config().connectTimeout();
        if (doc.pendingTime().plus(timeout).isBefore(now) || doc.pendingTime().isAfter(now.plus(SKEW))) {
            return refuse(Refusal.TOO_OLD, doc.instanceId() + " started at " + doc.pendingTime());
        }
        if (ledger.issued(doc.instanceId())) {
            return refuse(Refusal.ALREADY_ISSUED, doc.instanceId());
        }
        Optional<Agent> agent = engine.agent(doc.instanceId());
        if (agent.isEmpty() || agent.get().state() != AgentState.LAUNCHING || agent.get().connectedAt().isPresent()) {
            return refuse(Refusal.NOT_LAUNCHING, doc.instanceId() + " is not a launching agent of cloud "
                    + engine.config().cloudName());
        }
        if (ledger.secret(doc.instanceId()).isEmpty()) {
            return new Answer.Retry(doc.instanceId());
        }
        Optional<FleetApi.ManagedInstance> described;
        try {
            described = engine.describe(doc.instanceId());
        } catch (StageException e) {
            return refuse(Refusal.EC2_ERROR, e.describe());
        }
        if (described.isEmpty() || !List.of("pending", "running").contains(described.get().state())) {
            return refuse(Refusal.NOT_IN_EC2, doc.instanceId());
        }
        FleetApi.ManagedInstance i = described.get();
        if (!engine.config().cloudName().equals(i.tags().get(SpotFleetConfig.TAG_CLOUD))
                || !engine.config().controllerId().equals(i.tags().get(SpotFleetConfig.TAG_CONTROLLER))) {
            return refuse(Refusal.UNTAGGED, doc.instanceId());
        }
        if (!i.accountId().equals(doc.accountId())) {
            return refuse(Refusal.OTHER_ACCOUNT, doc.instanceId() + " claims account " + doc.accountId());
        }
        Answer answer = issue(doc.instanceId(), ledger);
        if (answer instanceof Answer.Granted) {
            engine.secretIssued(doc.instanceId(), now, BootReport.parse(req.uptimeAtStart(), req.uptimeAtRequest()));
        }
        return answer;
    }

    private synchronized Answer issue(String instanceId, AgentLedger ledger) {
        if (ledger.issued(instanceId)) {
            return refuse(Refusal.ALREADY_ISSUED, instanceId);
        }
        Optional<String> secret = ledger.secret(instanceId);
        if (secret.isEmpty()) {
            return new Answer.Retry(instanceId);
        }
        try {
            ledger.markIssued(instanceId);
        } catch (Exception e) {
            return refuse(Refusal.NOT_SAVED, instanceId + ": " + e);
        }
        granted++;
        return new Answer.Granted(instanceId, secret.get());
    }

    /** A real identity document and its signatures are a few kilobytes; anything far larger is not one. */
    private static final int MAX_FIELD_CHARS = 16 * 1024;

    private Optional<byte[]> verified(SecretRequest req) {
        for (String field : new String[] {req.document(), req.pkcs7(), req.rsa2048()}) {
            if (field != null && field.length() > MAX_FIELD_CHARS) {
                return Optional.empty();
            }
        }
        byte[] document = req.document() == null ? null : req.document().getBytes(StandardCharsets.UTF_8);
        for (String signature : new String[] {req.rsa2048(), req.pkcs7()}) {
            if (signature != null && !signature.isBlank()) {
                Optional<byte[]> content = IdentitySignature.verifiedContent(signature, document, trusted);
                if (content.isPresent()) {
                    return content;
                }
            }
        }
        return Optional.empty();
    }

    private Answer refuse(Refusal reason, String detail) {
        count(reason, detail);
        return new Answer.Refused(reason, detail);
    }

    private void count(Refusal reason, String detail) {
        synchronized (this) {
            refusals.merge(reason, 1L, Long::sum);
        }
        LOGGER.log(Level.FINE, "Refused an agent secret ({0}): {1}", new Object[] {reason, detail});
    }

    /** Refusals so far by reason, for the cloud's page. */
    public synchronized Map<Refusal, Long> refusals() {
        return new EnumMap<>(refusals);
    }

    public synchronized long granted() {
        return granted;
    }
}
