package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer.Answer;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer.Refusal;
import io.jenkins.plugins.awsdelivery.core.spot.AgentSecretIssuer.SecretRequest;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who gets an inbound agent secret at boot: only an instance that shows the identity document EC2 signed for it,
 * launched by this cloud, recently, and only once. Everyone else gets the same 403.
 */
class AgentSecretIssuerTest {

    private static IdentityAuthority aws;
    private static IdentityAuthority rogue;

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    private FakeEc2 ec2;
    private AwsClientFactory clients;
    private SpotEngine engine;
    private AgentSecretIssuer issuer;
    private final Ledger ledger = new Ledger();
    private final Set<String> connected = new HashSet<>();

    /** Jenkins' side: the agents' secrets once their nodes exist, and the persisted record of what was issued. */
    static final class Ledger implements AgentSecretIssuer.AgentLedger {
        final Map<String, String> nodes = new HashMap<>();
        final Set<String> issued = new HashSet<>();

        @Override
        public Optional<String> secret(String instanceId) {
            return Optional.ofNullable(nodes.get(instanceId));
        }

        @Override
        public boolean issued(String instanceId) {
            return issued.contains(instanceId);
        }

        @Override
        public void markIssued(String instanceId) {
            issued.add(instanceId);
        }
    }

    @BeforeAll
    static void authorities() throws Exception {
        aws = IdentityAuthority.rsa();
        rogue = IdentityAuthority.rsa();
    }

    @BeforeEach
    void start() {
        ec2 = new FakeEc2(clock::instant);
        clients = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION));
        engine = new SpotEngine(SpotEngineTest.config().build(), new Ec2FleetApi(clients, clock), clock,
                new Random(1), new OnDemandPrices(Map.of()));
        issuer = new AgentSecretIssuer(List.of(aws.certificate()), new SourceRateLimit(100, Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() {
        clients.close();
        ec2.close();
    }

    /** Launches one agent and adds its node, as the cloud does. */
    private String launchOne() {
        // Two executors per agent: one more agent's worth of queued builds than the engine already has.
        int queued = 2 * (engine.agents().size() + 1);
        String id = engine.step(Demand.of("linux", queued), reports()).launched().get(0).instanceId();
        ec2.boot();
        ledger.nodes.put(id, "secret-of-" + id);
        return id;
    }

    private List<AgentReport> reports() {
        return engine.agents().stream().map(a -> new AgentReport(a.instanceId(), connected.contains(a.instanceId()),
                0)).toList();
    }

    private SecretRequest signedBy(IdentityAuthority ca, String id, String account, String region, Instant pending)
            throws Exception {
        String doc = IdentityAuthority.document(id, account, region, pending);
        return new SecretRequest("10.0.0.12", doc, null, ca.sign(doc));
    }

    private SecretRequest valid(String id) throws Exception {
        return signedBy(aws, id, FakeEc2.ACCOUNT, FakeEc2.REGION, clock.instant().minusSeconds(40));
    }

    private Answer ask(SecretRequest r) {
        return issuer.answer(r, engine, FakeEc2.REGION, ledger, clock.instant());
    }

    private static void assertRefused(Answer a, Refusal reason) {
        assertThat(a).isInstanceOf(Answer.Refused.class);
        assertThat(((Answer.Refused) a).reason()).isEqualTo(reason);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.body()).isEqualTo("Refused.\n").doesNotContain("secret-of");
    }

    @Test
    void anInstanceWithItsSignedDocumentGetsItsSecretOnce() throws Exception {
        String id = launchOne();

        Answer first = ask(valid(id));
        Answer second = ask(valid(id));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("secret-of-" + id);
        assertThat(ledger.issued).containsExactly(id);
        assertRefused(second, Refusal.ALREADY_ISSUED);
        assertThat(issuer.refusals()).containsEntry(Refusal.ALREADY_ISSUED, 1L);
        assertThat(issuer.granted()).isEqualTo(1);
    }

    @Test
    void theDsaSignatureOfThePkcs7EndpointIsAcceptedToo() throws Exception {
        IdentityAuthority dsa = IdentityAuthority.dsa();
        issuer.trust(List.of(aws.certificate(), dsa.certificate()));
        String id = launchOne();
        String doc = IdentityAuthority.document(id, FakeEc2.ACCOUNT, FakeEc2.REGION, clock.instant());

        Answer a = ask(new SecretRequest("10.0.0.12", doc, "-----BEGIN PKCS7-----\n" + dsa.sign(doc)
                + "\n-----END PKCS7-----", ""));

        assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void aRequestBeforeTheNodeExistsIsToldToRetryAndKeepsItsOneSecret() throws Exception {
        String id = launchOne();
        ledger.nodes.remove(id);

        Answer early = ask(valid(id));
        ledger.nodes.put(id, "secret-of-" + id);
        Answer later = ask(valid(id));

        assertThat(early).isEqualTo(new Answer.Retry(id));
        assertThat(early.status()).isEqualTo(503);
        assertThat(later.body()).isEqualTo("secret-of-" + id);
    }

    @Test
    void forgedResignedAndUnsignedDocumentsAreRefusedWithoutAnyEc2Call() throws Exception {
        String id = launchOne();
        ec2.server().clearRequests();
        SecretRequest good = valid(id);

        // The document altered after signing: another instance ID of the same length inside the signed bytes.
        byte[] der = Base64.getMimeDecoder().decode(good.rsa2048());
        String asText = new String(der, StandardCharsets.ISO_8859_1);
        String forgedId = id.substring(0, id.length() - 1) + (id.endsWith("0") ? "1" : "0");
        String forged = Base64.getEncoder().encodeToString(asText.replace(id, forgedId)
                .getBytes(StandardCharsets.ISO_8859_1));
        assertRefused(ask(new SecretRequest("10.0.0.12", good.document(), null, forged)), Refusal.BAD_SIGNATURE);
        // A well-formed document signed by a key that is not AWS's.
        assertRefused(ask(signedBy(rogue, id, FakeEc2.ACCOUNT, FakeEc2.REGION, clock.instant())),
                Refusal.BAD_SIGNATURE);
        // The request PR #13 was about: X-Forwarded-For set to the instance's private IP, no signed document.
        assertRefused(ask(new SecretRequest(FakeEc2.privateIp(id), good.document(), "", "")),
                Refusal.BAD_SIGNATURE);
        assertRefused(ask(new SecretRequest(FakeEc2.privateIp(id), null, "not base64 !", "MIIB")),
                Refusal.BAD_SIGNATURE);

        assertThat(ec2.server().count("DescribeInstances")).isZero();
        assertThat(issuer.refusals()).containsEntry(Refusal.BAD_SIGNATURE, 4L);
        assertThat(ledger.issued).isEmpty();
        // The real instance still gets its secret afterwards.
        assertThat(ask(good).status()).isEqualTo(200);
    }

    @Test
    void documentsOfAnotherAccountRegionOrTooOldAreRefused() throws Exception {
        String id = launchOne();

        assertRefused(ask(signedBy(aws, id, "999999999999", FakeEc2.REGION, clock.instant())),
                Refusal.OTHER_ACCOUNT);
        assertRefused(ask(signedBy(aws, id, FakeEc2.ACCOUNT, "us-east-1", clock.instant())),
                Refusal.OTHER_REGION);
        assertRefused(ask(signedBy(aws, id, FakeEc2.ACCOUNT, FakeEc2.REGION, clock.instant().minus(
                Duration.ofMinutes(11)))), Refusal.TOO_OLD);
        assertThat(ledger.issued).isEmpty();
        assertThat(issuer.refusals()).containsEntry(Refusal.OTHER_ACCOUNT, 1L)
                .containsEntry(Refusal.OTHER_REGION, 1L).containsEntry(Refusal.TOO_OLD, 1L);
    }

    @Test
    void instancesThisCloudDidNotLaunchOrThatLostTheirTagsAreRefused() throws Exception {
        String untagged = ec2.addInstance("m5.large", SpotEngineTest.SUBNETS.get(0), "spot", Map.of(),
                clock.instant());
        ledger.nodes.put(untagged, "secret-of-" + untagged);
        assertRefused(ask(valid(untagged)), Refusal.NOT_LAUNCHING);

        String id = launchOne();
        ec2.instance(id).tags().remove(SpotFleetConfig.TAG_CLOUD);
        assertRefused(ask(valid(id)), Refusal.UNTAGGED);

        String online = launchOne();
        connected.add(online);
        engine.step(Demand.of("linux", 4), reports());
        assertRefused(ask(valid(online)), Refusal.NOT_LAUNCHING);
        assertThat(ledger.issued).isEmpty();
    }

    @Test
    void aSourceThatAsksTooOftenIsSlowedDown() throws Exception {
        issuer = new AgentSecretIssuer(List.of(aws.certificate()), new SourceRateLimit(2, Duration.ofSeconds(10)));
        String id = launchOne();
        SecretRequest junk = new SecretRequest("203.0.113.9", "{}", "", "");

        ask(junk);
        ask(junk);
        Answer third = ask(junk);
        // Told to slow down and retry (the boot scripts back off), not refused: only the rate is said.
        assertThat(third).isEqualTo(new Answer.SlowDown("203.0.113.9"));
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body()).isEqualTo("Too many requests, retry.\n");
        assertThat(issuer.refusals()).containsEntry(Refusal.RATE_LIMITED, 1L);
        clock.advance(Duration.ofSeconds(10));
        assertRefused(ask(junk), Refusal.BAD_SIGNATURE);
        // Another source is not affected.
        assertThat(ask(valid(id)).status()).isEqualTo(200);
    }

    @Test
    void aNightlySpikeBehindOneNatAddressIsNotSlowedDown() throws Exception {
        // The defaults: 75 agents launched at 02:00 in private subnets reach the controller from one NAT address.
        issuer = new AgentSecretIssuer(List.of(aws.certificate()),
                new SourceRateLimit(AgentSecretIssuer.RATE_BURST, AgentSecretIssuer.RATE_REFILL));
        String nat = "198.51.100.7";
        SecretRequest unsigned = new SecretRequest(nat, "{}", "", "");

        for (int i = 0; i < 100; i++) {
            assertRefused(ask(unsigned), Refusal.BAD_SIGNATURE);
        }
        assertThat(ask(unsigned).status()).isEqualTo(429);
        // Ten a second after the burst: the instances' retries after 1 and 2 s get through.
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            assertRefused(ask(unsigned), Refusal.BAD_SIGNATURE);
        }
        assertThat(ask(unsigned).status()).isEqualTo(429);
        clock.advance(Duration.ofMillis(100));
        String id = launchOne();
        SecretRequest real = valid(id);
        assertThat(ask(new SecretRequest(nat, real.document(), real.pkcs7(), real.rsa2048())).status())
                .isEqualTo(200);
    }

    @Test
    void theBootScriptsUptimesSplitTheLaunchLatencyIntoPhases() throws Exception {
        Instant launched = clock.instant();
        String id = launchOne();
        clock.advance(Duration.ofSeconds(50));
        SecretRequest signed = valid(id);
        // The kernel started 38 s before this request (12 s after the launch), the script 20 s after the kernel.
        assertThat(ask(new SecretRequest("10.0.0.12", signed.document(), signed.pkcs7(), signed.rsa2048(), "20.31",
                "38.02")).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(10));
        // Jenkins says the agent connected 3 s after its secret; the step sees it 7 s later.
        engine.step(Demand.of("linux", 0), List.of(new AgentReport(id, true, 0, List.of(), 0,
                launched.plusSeconds(53))));

        BootPhases boot = engine.metrics().boot();
        assertThat(boot).isEqualTo(new BootPhases(1, 1, 50, 12, 20, 18, 3));
        assertThat(engine.metrics().launchP50Seconds()).isEqualTo(53);
        assertThat(boot.describe()).startsWith("EC2 12 s, OS boot 20 s, boot script 18 s, agent start 3 s")
                .contains("OS boot and cloud-init take longest");

        // An older script (no uptimes) and one whose uptime is older than the launch count without the split.
        for (String[] uptimes : new String[][] {{null, null}, {"400", "500"}, {"30", "20"}, {"1e3", "2e3"}}) {
            String other = launchOne();
            clock.advance(Duration.ofSeconds(40));
            SecretRequest r = valid(other);
            assertThat(ask(new SecretRequest("10.0.0.13", r.document(), r.pkcs7(), r.rsa2048(), uptimes[0],
                    uptimes[1])).status()).isEqualTo(200);
            connected.add(other);
            engine.step(Demand.of("linux", 0), reports());
        }
        boot = engine.metrics().boot();
        assertThat(boot.samples()).isEqualTo(5);
        assertThat(boot.reported()).isEqualTo(1);
        assertThat(boot.ec2P50()).isEqualTo(12);
        assertThat(boot.launchToSecretP50()).isEqualTo(40);
    }

    @Test
    void theBundledAwsCertificateLoadsAndExtraCertificatesAreChecked() {
        assertThat(IdentityCertificates.bundled()).singleElement()
                .satisfies(c -> assertThat(c.getSubjectX500Principal().getName()).contains("Amazon Web Services"));
        assertThatThrownBy(() -> IdentityCertificates.withExtra("-----BEGIN CERTIFICATE-----\nAAAA\n"
                + "-----END CERTIFICATE-----")).hasMessageContaining("Extra identity certificates");
        assertThatThrownBy(() -> IdentityCertificates.withExtra("hello")).hasMessageContaining("outside");
    }

    @Test
    void userDataProvesIdentityAndKeepsTheSecretOffTheCommandLine() {
        String script = AgentUserData.render("https://ci.example.com", "linux-spot", "/opt/agent", "-Xmx1g",
                "yum install -y git");

        assertThat(script).startsWith("#!/bin/bash\n")
                .contains("JENKINS_URL='https://ci.example.com/'")
                .contains("X-aws-ec2-metadata-token-ttl-seconds")
                .contains("dynamic/instance-identity/document")
                .contains("dynamic/instance-identity/pkcs7")
                .contains("dynamic/instance-identity/rsa2048")
                .contains("yum install -y git")
                .contains("--data-urlencode 'cloud=linux-spot'")
                .contains("${JENKINS_URL}aws-spot-agent/secret")
                .contains("umask 077")
                .doesNotContain("-secret \"$SECRET\"")
                .contains("-name \"$INSTANCE_ID\" -secret \"@$SECRET_FILE\" -webSocket");
        assertThatThrownBy(() -> AgentUserData.render("", "c", "/a", "", "")).hasMessageContaining("Jenkins URL");
    }
}
