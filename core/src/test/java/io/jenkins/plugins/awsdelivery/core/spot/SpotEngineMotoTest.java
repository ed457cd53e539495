package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The engine's API round trip against moto's EC2 and SQS. */
class SpotEngineMotoTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    private final TestClock clock = new TestClock(Instant.now());

    private static List<String> subnets(Ec2Client ec2) {
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.8.0.0/16")).vpc().vpcId();
        List<String> subnets = new ArrayList<>();
        String[] zones = {"eu-west-1a", "eu-west-1b", "eu-west-1c"};
        for (int i = 0; i < zones.length; i++) {
            int n = i;
            subnets.add(ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.8." + n + ".0/24")
                    .availabilityZone(zones[n])).subnet().subnetId());
        }
        return subnets;
    }

    private static String ami(Ec2Client ec2) {
        return ec2.describeImages(r -> r.owners("amazon")).images().stream().map(i -> i.imageId())
                .filter(id -> id.matches("ami-[0-9a-f]{8,17}")).findFirst().orElseThrow();
    }

    @Test
    void launchesWithCreateFleetFindsItsInstancesByTagAndTerminatesThem() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            List<String> subnets = subnets(ec2);
            SpotFleetConfig config = SpotFleetConfig.builder("moto-spot", "jenkins-moto")
                    .ami(ami(ec2), null, List.of(), "#!/bin/sh\necho agent")
                    .instanceTypes("m5.large", "c5.large").subnetIds(subnets)
                    .capacity(0, 5, 0).executorsPerAgent(1).labels(Set.of("linux"))
                    .tags(Map.of("team", "ci")).build();
            SpotEngine engine = new SpotEngine(config, new Ec2FleetApi(aws, clock), clock, new Random(1),
                    new OnDemandPrices(Map.of()));

            EngineStep step = engine.step(Demand.of("linux", 2), List.of());

            assertThat(step.launched()).hasSize(2);
            assertThat(ec2.describeLaunchTemplates(r -> r.launchTemplateNames("aws-delivery-stages-moto-spot"))
                    .launchTemplates()).hasSize(1);
            List<Instance> tagged = ec2.describeInstances(r -> r.filters(f -> f.name("tag:team").values("ci")))
                    .reservations().stream().flatMap(r -> r.instances().stream()).toList();
            assertThat(tagged).extracting(Instance::instanceId)
                    .containsExactlyInAnyOrderElementsOf(step.launched().stream().map(Agent::instanceId).toList());
            assertThat(tagged).allSatisfy(i -> assertThat(i.tags()).anySatisfy(t -> {
                assertThat(t.key()).isEqualTo(SpotFleetConfig.TAG_CLOUD);
                assertThat(t.value()).isEqualTo("moto-spot");
            }));

            // A new engine (a controller restart) adopts both from their tags.
            SpotEngine restarted = new SpotEngine(config, new Ec2FleetApi(aws, clock), clock, new Random(2),
                    new OnDemandPrices(Map.of()));
            EngineStep adopted = restarted.step(Demand.none(), List.of());
            assertThat(adopted.adopted()).extracting(Agent::instanceId)
                    .containsExactlyInAnyOrderElementsOf(step.launched().stream().map(Agent::instanceId).toList());
            assertThat(adopted.launched()).as("adopted capacity counts: nothing new").isEmpty();

            // Both connect, go idle, retire and are terminated.
            List<AgentReport> idle = restarted.agents().stream()
                    .map(a -> new AgentReport(a.instanceId(), true, 0)).toList();
            restarted.step(Demand.none(), idle);
            clock.advance(Duration.ofMinutes(11));
            assertThat(restarted.step(Demand.none(), idle).retiring()).hasSize(2);
            clock.advance(Duration.ofSeconds(10));
            assertThat(restarted.step(Demand.none(), idle).terminated()).hasSize(2);
            assertThat(new Ec2FleetApi(aws, clock).describeManagedInstances("jenkins-moto", "moto-spot")).isEmpty();
        }
    }

    @Test
    void keepsItsOwnLaunchTemplateUpToDateWithTheAmi() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            List<String> subnets = subnets(ec2);
            Ec2FleetApi api = new Ec2FleetApi(aws, clock);
            SpotFleetConfig first = SpotFleetConfig.builder("lt-spot", "jenkins-moto")
                    .ami("ami-0123456789abcdef0", null, List.of(), null).instanceTypes("m5.large")
                    .subnetIds(subnets).build();
            String id = api.ensureLaunchTemplate(first);
            assertThat(api.ensureLaunchTemplate(first)).isEqualTo(id);
            assertThat(ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(id)).launchTemplateVersions())
                    .as("unchanged settings make no new version").hasSize(1);

            SpotFleetConfig changed = SpotFleetConfig.builder("lt-spot", "jenkins-moto")
                    .ami("ami-0fedcba9876543210", null, List.of(), null).instanceTypes("m5.large")
                    .subnetIds(subnets).build();
            assertThat(api.ensureLaunchTemplate(changed)).isEqualTo(id);
            assertThat(ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(id).versions("$Latest"))
                    .launchTemplateVersions().get(0).launchTemplateData().imageId()).isEqualTo("ami-0fedcba9876543210");
        }
    }

    @Test
    void eachAmiTemplateGetsALaunchTemplateOfItsOwnAndTheDefaultOneKeepsTheClassicName() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            Ec2FleetApi api = new Ec2FleetApi(aws, clock);
            AgentTemplate classic = AgentTemplate.builder("default").amiId("ami-0123456789abcdef0")
                    .instanceTypes("m5.large").build();
            AgentTemplate windows = AgentTemplate.builder("windows").platform(AgentPlatform.WINDOWS)
                    .amiId("ami-0fedcba9876543210").instanceTypes("m5.large").build();
            SpotFleetConfig config = SpotFleetConfig.builder("tpl-spot", "jenkins-moto").subnetIds(subnets(ec2))
                    .templates(List.of(classic, windows)).build();

            String classicId = api.ensureLaunchTemplate(config, classic);
            String windowsId = api.ensureLaunchTemplate(config, windows);

            assertThat(windowsId).isNotEqualTo(classicId);
            assertThat(ec2.describeLaunchTemplates(r -> r.launchTemplateIds(classicId, windowsId)).launchTemplates())
                    .extracting(t -> t.launchTemplateName())
                    .containsExactlyInAnyOrder("aws-delivery-stages-tpl-spot", "aws-delivery-stages-tpl-spot/windows");
            assertThat(ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(windowsId).versions("$Latest"))
                    .launchTemplateVersions().get(0).launchTemplateData().imageId()).isEqualTo("ami-0fedcba9876543210");
            assertThat(api.ensureLaunchTemplate(config)).as("the first template's").isEqualTo(classicId);
        }
    }

    @Test
    void aTemplateOfOneCloudNeverTakesTheLaunchTemplateOfAnotherCloudOrController() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            Ec2FleetApi api = new Ec2FleetApi(aws, clock);
            List<String> subnets = subnets(ec2);
            AgentTemplate ciWinDefault = AgentTemplate.builder("default").amiId("ami-0123456789abcdef0")
                    .instanceTypes("m5.large").build();
            SpotFleetConfig ciWin = SpotFleetConfig.builder("ci-win", "jenkins-moto").subnetIds(subnets)
                    .templates(List.of(ciWinDefault)).build();
            AgentTemplate win = AgentTemplate.builder("win").platform(AgentPlatform.WINDOWS)
                    .amiId("ami-0fedcba9876543210").instanceTypes("m5.large").build();
            SpotFleetConfig ci = SpotFleetConfig.builder("ci", "jenkins-moto").subnetIds(subnets)
                    .templates(List.of(ciWinDefault, win)).build();

            String ciWinId = api.ensureLaunchTemplate(ciWin, ciWinDefault);
            String winId = api.ensureLaunchTemplate(ci, win);

            assertThat(winId).isNotEqualTo(ciWinId);
            assertThat(ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(ciWinId).versions("$Latest"))
                    .launchTemplateVersions().get(0).launchTemplateData().imageId())
                    .as("cloud ci-win's AMI is left alone").isEqualTo("ami-0123456789abcdef0");

            SpotFleetConfig otherController = SpotFleetConfig.builder("ci-win", "jenkins-other").subnetIds(subnets)
                    .templates(List.of(ciWinDefault)).build();
            assertThatThrownBy(() -> api.ensureLaunchTemplate(otherController, ciWinDefault))
                    .hasMessageContaining("aws-delivery-stages-ci-win").hasMessageContaining("is not this cloud's");

            ec2.createLaunchTemplate(r -> r.launchTemplateName("aws-delivery-stages-by-hand")
                    .launchTemplateData(d -> d.imageId("ami-0123456789abcdef0")));
            SpotFleetConfig byHand = SpotFleetConfig.builder("by-hand", "jenkins-moto").subnetIds(subnets)
                    .templates(List.of(ciWinDefault)).build();
            assertThatThrownBy(() -> api.ensureLaunchTemplate(byHand, ciWinDefault))
                    .hasMessageContaining("is not this cloud's");
        }
    }

    @Test
    void readsSpotPricesForTheConfiguredTypes() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            List<FleetApi.SpotPrice> prices = new Ec2FleetApi(aws, clock).spotPrices(List.of("m5.large"));
            assertThat(prices).isNotEmpty().allSatisfy(p -> {
                assertThat(p.instanceType()).isEqualTo("m5.large");
                assertThat(p.pricePerHour()).isPositive();
            });
        }
    }

    @Test
    void interruptionQueueYieldsNoticesReportsMalformedMessagesAndDeletesWhatItRead() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            SqsClient sqs = aws.client(SqsClient::builder);
            String url = sqs.createQueue(r -> r.queueName("spot-notices")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("""
                    {"version":"0","id":"1","detail-type":"EC2 Spot Instance Interruption Warning","source":"aws.ec2",
                     "account":"123456789012","time":"2026-12-01T10:00:00Z","region":"eu-west-1",
                     "resources":["arn:aws:ec2:eu-west-1b:instance/i-0abc"],
                     "detail":{"instance-id":"i-0abc","instance-action":"terminate"}}"""));
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("""
                    {"version":"0","id":"2","detail-type":"EC2 Instance Rebalance Recommendation","source":"aws.ec2",
                     "time":"2026-12-01T10:01:00Z","detail":{"instance-id":"i-0def"}}"""));
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("""
                    {"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2",
                     "time":"2026-12-01T10:01:00Z","detail":{"instance-id":"i-0def","state":"running"}}"""));
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("{not json"));

            SqsInterruptionSource source = new SqsInterruptionSource(aws, url, 0);
            List<InterruptionNotice> notices = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                NoticeSource.Batch b = source.receive();
                notices.addAll(b.notices());
                problems.addAll(b.problems());
            }

            assertThat(notices).extracting(InterruptionNotice::instanceId, InterruptionNotice::kind)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("i-0abc", NoticeKind.INTERRUPTION),
                            org.assertj.core.groups.Tuple.tuple("i-0def", NoticeKind.REBALANCE));
            assertThat(notices).filteredOn(n -> n.kind() == NoticeKind.INTERRUPTION).singleElement()
                    .satisfies(n -> assertThat(n.actionTime()).isEqualTo(Instant.parse("2026-12-01T10:02:00Z")));
            assertThat(problems).singleElement().satisfies(p -> assertThat(p).contains("is not JSON")
                    .contains("spot-notices"));
            assertThat(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNamesWithStrings(
                    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings())
                    .containsEntry("ApproximateNumberOfMessages", "0")
                    .containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
        }
    }
}
