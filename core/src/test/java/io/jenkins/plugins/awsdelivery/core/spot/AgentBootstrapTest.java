package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who gets an agent secret at boot: only a fresh instance of this cloud, asking from its own address, once. */
class AgentBootstrapTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    private FakeEc2 ec2;
    private AwsClientFactory aws;
    private SpotEngine engine;
    private final AgentBootstrap bootstrap = new AgentBootstrap();

    @BeforeEach
    void start() {
        ec2 = new FakeEc2(clock::instant);
        aws = new AwsClientFactory(ec2.server().settings(FakeEc2.REGION));
        engine = new SpotEngine(SpotEngineTest.config().build(), new Ec2FleetApi(aws, clock), clock, new Random(1),
                new OnDemandPrices(Map.of()));
    }

    @AfterEach
    void stop() {
        aws.close();
        ec2.close();
    }

    private String launchOne() {
        String id = engine.step(Demand.of("linux", 1), List.of()).launched().get(0).instanceId();
        ec2.boot();
        return id;
    }

    @Test
    void aFreshInstanceAskingFromItsOwnAddressGetsItsSecretOnce() {
        String id = launchOne();

        AgentBootstrap.Verdict first = bootstrap.check(engine, id, FakeEc2.privateIp(id), clock.instant());
        AgentBootstrap.Verdict second = bootstrap.check(engine, id, FakeEc2.privateIp(id), clock.instant());

        assertThat(first.allowed()).isTrue();
        assertThat(second.allowed()).isFalse();
        assertThat(second.reason()).contains("already handed out");
    }

    @Test
    void aRequestFromAnotherAddressIsRefused() {
        String id = launchOne();

        AgentBootstrap.Verdict v = bootstrap.check(engine, id, "10.9.9.9", clock.instant());

        assertThat(v.allowed()).isFalse();
        assertThat(v.reason()).contains("came from 10.9.9.9");
        // A refusal does not use up the instance's one request.
        assertThat(bootstrap.check(engine, id, FakeEc2.privateIp(id), clock.instant()).allowed()).isTrue();
    }

    @Test
    void instancesOfOthersConnectedAgentsAndLateRequestsAreRefused() {
        String foreign = ec2.addInstance("m5.large", SpotEngineTest.SUBNETS.get(0), "spot", Map.of(),
                clock.instant());
        assertThat(bootstrap.check(engine, foreign, FakeEc2.privateIp(foreign), clock.instant()).reason())
                .contains("is not an instance of cloud linux-spot");
        assertThat(bootstrap.check(engine, "i-../../x", "10.0.0.1", clock.instant()).reason())
                .contains("is not an instance ID");

        String connected = launchOne();
        engine.step(Demand.none(), List.of(new AgentReport(connected, true, 0)));
        assertThat(bootstrap.check(engine, connected, FakeEc2.privateIp(connected), clock.instant()).reason())
                .contains("is online");

        String late = engine.step(Demand.of("linux", 5), List.of(new AgentReport(connected, true, 0))).launched()
                .get(0).instanceId();
        ec2.boot();
        clock.advance(Duration.ofMinutes(11));
        assertThat(bootstrap.check(engine, late, FakeEc2.privateIp(late), clock.instant()).reason())
                .contains("after the connect timeout");
    }

    @Test
    void userDataConnectsOverWebSocketWithTheInstanceIdAsAgentName() {
        String script = AgentUserData.render("https://ci.example.com", "linux-spot", "/opt/agent", "-Xmx1g",
                "yum install -y git");

        assertThat(script).startsWith("#!/bin/bash\n")
                .contains("JENKINS_URL='https://ci.example.com/'")
                .contains("X-aws-ec2-metadata-token-ttl-seconds")
                .contains("yum install -y git")
                .contains("--data-urlencode 'cloud=linux-spot'")
                .contains("${JENKINS_URL}aws-spot-agent/secret")
                .contains("-name \"$INSTANCE_ID\" -secret \"$SECRET\" -webSocket");
        assertThatThrownBy(() -> AgentUserData.render("", "c", "/a", "", "")).hasMessageContaining("Jenkins URL");
    }
}
