package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.GateVerdict;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest.Action;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest.ImportStrategy;
import io.jenkins.plugins.awsdelivery.core.wait.BlockingWaiter;
import io.jenkins.plugins.awsdelivery.core.wait.PollOutcome;
import io.jenkins.plugins.awsdelivery.core.wait.WaitEngine;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub;
import io.jenkins.plugins.awsdelivery.testing.FakeResilienceHub.FakeApp;
import io.jenkins.plugins.awsdelivery.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenarios of the resilience gate against a scripted Resilience Hub. */
class ResilienceHubGateTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final String REGION = "eu-west-1";
    private static final String STACK =
            "arn:aws:cloudformation:eu-west-1:210987654321:stack/shop-test/0a1b2c3d-1111-2222-3333-444455556666";

    private final TestClock clock = new TestClock(NOW);
    private final List<String> log = new ArrayList<>();
    private FakeResilienceHub hub;
    private AwsClientFactory factory;
    private FakeApp shop;

    @BeforeEach
    void start() {
        hub = new FakeResilienceHub(clock, REGION);
        factory = new AwsClientFactory(hub.server().settings(REGION));
        shop = hub.app("shop").policy(3600, 900).published(NOW.minus(Duration.ofDays(10)));
        shop.nextAssessment().disruption("Software", "PolicyMet", 300, 0)
                .disruption("Hardware", "PolicyMet", 600, 0).disruption("AZ", "PolicyMet", 1200, 300)
                .disruption("Region", "PolicyMet", 3000, 600);
    }

    @AfterEach
    void stop() {
        factory.close();
        hub.close();
    }

    private static String arnOf(FakeApp app) {
        return app.arn();
    }

    private ResilienceHubGateRequest.Builder request() {
        return ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-release-42").stackArns(List.of(STACK));
    }

    private ResilienceHubGate gate(ResilienceHubGateRequest request) {
        return new ResilienceHubGate(request, factory, clock, StageLog.to(log::add));
    }

    private ResilienceHubGateResult run(ResilienceHubGateRequest request) {
        ResilienceHubGate gate = gate(request);
        return gate.run(new BlockingWaiter(new WaitEngine(gate.waitPolicy()), clock, clock::advance));
    }

    private List<String> operations() {
        return hub.server().requests().stream().map(r -> r.operation()).toList();
    }

    @Test
    void aDeploymentThatKeepsThePolicyPassesWithEveryDisruptionTypeReported() {
        shop.resourcesChanged();

        ResilienceHubGateResult result = run(request().build());

        assertThat(result.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(result.complianceStatus()).isEqualTo("PolicyMet");
        assertThat(result.assessmentName()).isEqualTo("jenkins-shop-release-42");
        assertThat(result.assessmentArn()).startsWith("arn:aws:resiliencehub:eu-west-1:123456789012:app-assessment/");
        assertThat(result.publishedVersion()).isEqualTo("2");
        assertThat(result.reused()).isFalse();
        assertThat(result.disruptions()).extracting(DisruptionCompliance::type)
                .containsExactly("Software", "Hardware", "AZ", "Region");
        DisruptionCompliance az = result.disruptions().get(2);
        assertThat(az.currentRtoSeconds()).isEqualTo(1200);
        assertThat(az.targetRtoSeconds()).isEqualTo(3600);
        assertThat(az.currentRpoSeconds()).isEqualTo(300);
        assertThat(az.targetRpoSeconds()).isEqualTo(900);
        assertThat(result.riskRecommendations()).isEqualTo(1);
        assertThat(result.componentRecommendations()).isEqualTo(3);
        assertThat(result.alarmRecommendations()).isEqualTo(5);
        assertThat(result.quotaUsedThisMonth()).isEqualTo(1);
        assertThat(result.resiliencyScore()).isEqualTo(71.3);
        assertThat(result.consoleUrl()).isEqualTo("https://eu-west-1.console.aws.amazon.com/resiliencehub/home"
                + "?region=eu-west-1#/applications/" + arnOf(shop).substring(arnOf(shop).indexOf("app/") + 4));
        assertThat(result.warnings()).isEmpty();
        assertThat(operations()).containsSubsequence("DescribeApp", "ListAppAssessments",
                "ImportResourcesToDraftAppVersion", "DescribeDraftAppVersionResourcesImportStatus",
                "DescribeAppVersionTemplate", "PublishAppVersion", "StartAppAssessment", "DescribeAppAssessment",
                "ListAppComponentRecommendations", "ListAlarmRecommendations");
        assertThat(hub.server().count("StartAppAssessment")).isEqualTo(1);
        assertThat(result.apiCalls()).isEqualTo(hub.server().requests().size());
        assertThat(String.join("\n", log)).contains("AZ        PolicyMet       RTO 1200s (target 3600s)  RPO 300s "
                + "(target 900s)").contains("1 of 20 assessments used this month");
        Map<String, Object> map = result.toMap();
        assertThat(map).containsEntry("verdict", "PASSED").containsEntry("passed", true)
                .containsEntry("quotaPerMonth", 20);
        assertThat(map.get("recommendations")).isEqualTo(Map.of("risk", 1, "appComponent", 3, "alarm", 5,
                "total", 9));
    }

    @Test
    void theImportRequestCarriesStacksTerraformAndEksSourcesWithTheStrategy() {
        shop.resourcesChanged();
        run(request().terraformStateFiles(List.of("s3://tf-state/shop/terraform.tfstate"))
                .eksSources(List.of(EksSource.parse("arn:aws:eks:eu-west-1:123456789012:cluster/shop=web,api")))
                .importStrategy(ImportStrategy.ReplaceAll).build());

        var body = hub.server().requests("ImportResourcesToDraftAppVersion").get(0).json();
        assertThat(body.path("importStrategy").asText()).isEqualTo("ReplaceAll");
        assertThat(body.path("sourceArns").get(0).asText()).isEqualTo(STACK);
        assertThat(body.path("terraformSources").get(0).path("s3StateFileUrl").asText())
                .isEqualTo("s3://tf-state/shop/terraform.tfstate");
        assertThat(body.path("eksSources").get(0).path("namespaces").toString()).isEqualTo("[\"web\",\"api\"]");
    }

    @Test
    void aBreachedPolicyFailsTheBuildAndNamesTheDisruptionTypes() {
        shop.resourcesChanged().nextAssessment().compliance("PolicyBreached")
                .disruption("AZ", "PolicyBreached", 7200, 1800);

        ResilienceHubGateResult result = run(request().build());

        assertThat(result.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(result.complianceStatus()).isEqualTo("PolicyBreached");
        assertThat(result.message()).contains("shop breaches its resiliency policy in AZ");
        assertThat(result.disruptions().stream().filter(DisruptionCompliance::breached).findFirst().orElseThrow()
                .line()).contains("RTO 7200s (target 3600s)").contains("RPO 1800s (target 900s)");
        assertThat(log).anyMatch(l -> l.startsWith("WARNING: shop breaches"));
    }

    @Test
    void onBreachUnstableOrPassChangesOnlyTheVerdict() {
        shop.resourcesChanged().nextAssessment().compliance("PolicyBreached")
                .disruption("Region", "PolicyBreached", 90000, 3600);
        ResilienceHubGateResult unstable = run(request().onBreach(Action.UNSTABLE).build());
        assertThat(unstable.verdict()).isEqualTo(GateVerdict.UNSTABLE);
        assertThat(unstable.message()).endsWith("marking the build unstable as configured.");

        shop.resourcesChanged().nextAssessment().compliance("PolicyBreached");
        ResilienceHubGateResult passed = run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-43")
                .stackArns(List.of(STACK)).onBreach(Action.PASS).build());
        assertThat(passed.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(passed.complianceStatus()).isEqualTo("PolicyBreached");
        assertThat(passed.message()).endsWith("passing as configured.");
    }

    @Test
    void anApplicationWithoutPolicyFailsByDefaultAndPassesWhenConfigured() {
        shop.noPolicy().resourcesChanged().nextAssessment().compliance("MissingPolicy");
        ResilienceHubGateResult failed = run(request().build());
        assertThat(failed.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(failed.message()).contains("could not be judged against a policy (MissingPolicy)");
        assertThat(log).anyMatch(l -> l.contains("has no resiliency policy"));

        shop.resourcesChanged().nextAssessment().compliance("NotApplicable");
        ResilienceHubGateResult passed = run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-43")
                .stackArns(List.of(STACK)).onMissingPolicy(Action.PASS).build());
        assertThat(passed.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(passed.complianceStatus()).isEqualTo("NotApplicable");
    }

    @Test
    void aFailedImportStopsWithResilienceHubsMessageAndNothingIsPublished() {
        shop.importTakes(2).importFails("CloudFormation stack shop-test could not be read");

        assertThatThrownBy(() -> run(request().build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("could not import the resources of shop (1 CloudFormation stack(s))")
                .hasMessageContaining("CloudFormation stack shop-test could not be read")
                .hasMessageContaining("Stack does not exist or access denied");
        assertThat(hub.server().count("PublishAppVersion")).isZero();
        assertThat(hub.server().count("StartAppAssessment")).isZero();
    }

    @Test
    void aFailedAssessmentFailsTheGateWithItsReason() {
        shop.resourcesChanged().nextAssessment().failed("Role AwsResilienceHubAssessmentRole cannot be assumed");

        ResilienceHubGateResult result = run(request().onBreach(Action.PASS).build());

        assertThat(result.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(result.assessmentStatus()).isEqualTo("Failed");
        assertThat(result.message()).contains("failed: Role AwsResilienceHubAssessmentRole cannot be assumed");
    }

    @Test
    void anUnchangedVersionReusesItsLastSuccessfulAssessmentAndSaysSo() {
        shop.pastAssessment("jenkins-shop-41", "Success", "PolicyMet", NOW.minus(Duration.ofDays(1)));

        ResilienceHubGateResult result = run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-42")
                .build());

        assertThat(result.reused()).isTrue();
        assertThat(result.assessmentName()).isEqualTo("jenkins-shop-41");
        assertThat(result.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(result.quotaUsedThisMonth()).isEqualTo(1);
        assertThat(hub.server().count("StartAppAssessment")).isZero();
        assertThat(hub.server().count("PublishAppVersion")).isZero();
        assertThat(log).anyMatch(l -> l.startsWith("Reusing assessment ") && l.contains("forceAssessment: true"));
    }

    @Test
    void anImportThatChangesNothingIsNotPublishedAndReusesTheLastAssessment() {
        shop.resourcesChanged();
        run(request().build());
        hub.server().clearRequests();
        clock.advance(Duration.ofHours(1));

        ResilienceHubGateResult again = run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-43")
                .stackArns(List.of(STACK)).build());

        assertThat(again.reused()).isTrue();
        assertThat(again.assessmentName()).isEqualTo("jenkins-shop-release-42");
        assertThat(hub.server().count("PublishAppVersion")).isZero();
        assertThat(hub.server().count("StartAppAssessment")).isZero();
        assertThat(log).anyMatch(l -> l.contains("is the same as its published version"));
    }

    @Test
    void forceAssessmentStartsANewAssessmentOfAnUnchangedVersion() {
        shop.pastAssessment("jenkins-shop-41", "Success", "PolicyMet", NOW.minus(Duration.ofDays(1)));

        ResilienceHubGateResult result = run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-42")
                .forceAssessment(true).build());

        assertThat(result.reused()).isFalse();
        assertThat(result.assessmentName()).isEqualTo("jenkins-shop-42");
        assertThat(result.quotaUsedThisMonth()).isEqualTo(2);
        assertThat(hub.server().count("StartAppAssessment")).isEqualTo(1);
    }

    @Test
    void aVersionPublishedAfterTheLastAssessmentIsAssessedAgain() {
        shop.pastAssessment("jenkins-shop-41", "Success", "PolicyMet", NOW.minus(Duration.ofDays(20)));

        ResilienceHubGateResult result = run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-42")
                .build());

        assertThat(result.reused()).isFalse();
        assertThat(hub.server().count("StartAppAssessment")).isEqualTo(1);
    }

    @Test
    void aResumedGateFollowsItsAssessmentWithoutStartingAnother() {
        shop.resourcesChanged().nextAssessment().polls(3, 3);
        ResilienceHubGate first = gate(request().build());
        first.begin();
        while (first.progress().phase() == ResilienceHubProgress.Phase.IMPORTING) {
            first.pollOnce();
        }
        ResilienceHubProgress saved = first.progress();
        assertThat(saved.assessmentArn()).isNotNull();

        // The controller restarts: a new gate from the persisted progress.
        ResilienceHubGate resumed = new ResilienceHubGate(request().build(), factory, clock, StageLog.to(log::add),
                saved);
        PollOutcome<ResilienceHubGateResult> outcome;
        do {
            outcome = resumed.pollOnce();
        } while (outcome instanceof PollOutcome.KeepWaiting<ResilienceHubGateResult>);

        assertThat(((PollOutcome.Done<ResilienceHubGateResult>) outcome).value().verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(hub.server().count("StartAppAssessment")).isEqualTo(1);
        assertThat(hub.server().count("ImportResourcesToDraftAppVersion")).isEqualTo(1);
    }

    @Test
    void aRestartAfterTheStartButBeforeSavingFindsTheAssessmentByItsName() {
        shop.resourcesChanged();
        ResilienceHubGate first = gate(request().build());
        ResilienceHubProgress importing = first.begin();
        while (first.progress().phase() == ResilienceHubProgress.Phase.IMPORTING) {
            first.pollOnce();
        }
        String started = first.progress().assessmentArn();

        // Only the state from before the assessment started was saved.
        ResilienceHubGate resumed = new ResilienceHubGate(request().build(), factory, clock, StageLog.to(log::add),
                importing);
        resumed.pollOnce();

        assertThat(resumed.progress().assessmentArn()).isEqualTo(started);
        assertThat(hub.server().count("StartAppAssessment")).isEqualTo(1);
        assertThat(log).anyMatch(l -> l.contains("started earlier by this build"));
    }

    @Test
    void throttledPollsBackOffAndTheWaitGoesOn() {
        shop.resourcesChanged();
        hub.server().failNext("DescribeAppAssessment", 4, FakeResilienceHub.throttling());

        ResilienceHubGateResult result = run(request().build());

        assertThat(result.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(hub.server().count("DescribeAppAssessment")).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aThrottledPollIsReportedAsThrottledNotAsAFailure() {
        shop.resourcesChanged();
        // One attempt per call, so that the SDK's own retries do not hide the throttling.
        try (AwsClientFactory once = new AwsClientFactory(io.jenkins.plugins.awsdelivery.core.aws.AwsSettings.of(
                hub.server().layer(REGION).withRetries(null, 1)))) {
            ResilienceHubGate gate = new ResilienceHubGate(request().build(), once, clock, StageLog.to(log::add));
            gate.begin();
            hub.server().failNext("DescribeDraftAppVersionResourcesImportStatus", 1, FakeResilienceHub.throttling());

            PollOutcome<ResilienceHubGateResult> outcome = gate.pollOnce();

            assertThat(outcome).isInstanceOfSatisfying(PollOutcome.KeepWaiting.class,
                    w -> assertThat(w.throttled()).isTrue());
            assertThat(gate.progress().phase()).isEqualTo(ResilienceHubProgress.Phase.IMPORTING);
        }
    }

    @Test
    void accessDeniedNamesTheIamAction() {
        shop.resourcesChanged();
        hub.server().failNext("StartAppAssessment", 1,
                FakeResilienceHub.accessDenied("resiliencehub:StartAppAssessment"));

        assertThatThrownBy(() -> run(request().build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("AWS denied resiliencehub:StartAppAssessment")
                .extracting(e -> ((StageException) e).hint()).asString()
                .contains("Allow resiliencehub:StartAppAssessment");
    }

    @Test
    void aUsedUpQuotaSaysHowManyAssessmentsRanThisMonth() {
        hub.quota(2);
        shop.pastAssessment("jenkins-shop-40", "Success", "PolicyMet", NOW.minus(Duration.ofDays(2)))
                .pastAssessment("jenkins-shop-41", "Success", "PolicyMet", NOW.minus(Duration.ofDays(1)));

        assertThatThrownBy(() -> run(ResilienceHubGateRequest.builder(arnOf(shop), "jenkins-shop-42")
                .forceAssessment(true).build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("quota of assessments is used up (2 started this month")
                .hasMessageContaining("maximum number of assessments per month")
                .extracting(e -> ((StageException) e).hint()).asString().contains("AWS Support");
    }

    @Test
    void theQuotaCountsOnlyThisMonthAcrossPages() {
        hub.pageSize(2);
        for (int i = 0; i < 5; i++) {
            shop.pastAssessment("this-" + i, "Success", "PolicyMet", NOW.minus(Duration.ofDays(3)).plusSeconds(i));
        }
        shop.pastAssessment("last-month", "Success", "PolicyMet", Instant.parse("2026-11-20T10:00:00Z"));
        shop.resourcesChanged();

        ResilienceHubGateResult result = run(request().build());

        assertThat(result.quotaUsedThisMonth()).isEqualTo(6);
    }

    @Test
    void aMalformedAnswerIsAnErrorNamingTheCall() {
        shop.resourcesChanged();
        hub.malformedAssessment(true);

        assertThatThrownBy(() -> run(request().build()))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("resiliencehub:DescribeAppAssessment");
    }

    @Test
    void failingRecommendationCountsAreAWarningNeverAChangedVerdict() {
        shop.resourcesChanged();
        hub.server().failNext("ListAlarmRecommendations", 1,
                FakeResilienceHub.accessDenied("resiliencehub:ListAlarmRecommendations"));

        ResilienceHubGateResult result = run(request().build());

        assertThat(result.verdict()).isEqualTo(GateVerdict.PASSED);
        assertThat(result.alarmRecommendations()).isZero();
        assertThat(result.componentRecommendations()).isEqualTo(3);
        assertThat(result.warnings()).singleElement().asString()
                .contains("resiliencehub:ListAlarmRecommendations").contains("the verdict does not depend on them");
    }

    @Test
    void anAssessmentThatOutlastsTheTimeoutFailsAndSaysItCannotBeCancelled() {
        shop.resourcesChanged().nextAssessment().polls(10_000, 0);

        ResilienceHubGateResult result = run(request().timeout(Duration.ofMinutes(20)).build());

        assertThat(result.verdict()).isEqualTo(GateVerdict.FAILED);
        assertThat(result.assessmentStatus()).isEqualTo("Pending");
        assertThat(result.message()).contains("Timed out after 20 min")
                .contains("Resilience Hub cannot cancel an assessment");
        assertThat(Duration.between(NOW, clock.instant())).isLessThanOrEqualTo(Duration.ofMinutes(21));
    }

    @Test
    void stoppingSaysTheAssessmentRunsOn() {
        shop.resourcesChanged();
        ResilienceHubGate gate = gate(request().build());
        gate.begin();
        while (gate.progress().phase() == ResilienceHubProgress.Phase.IMPORTING) {
            gate.pollOnce();
        }
        assertThat(gate.stopNotice()).contains("Resilience Hub cannot cancel an assessment")
                .contains(gate.progress().assessmentArn()).contains("counts against the monthly quota");
    }

    @Test
    void anApplicationNeverPublishedNeedsSourcesToAssess() {
        FakeApp fresh = hub.app("fresh").policy(3600, 900);

        assertThatThrownBy(() -> run(ResilienceHubGateRequest.builder(fresh.arn(), "jenkins-fresh-1").build()))
                .isInstanceOfSatisfying(StageException.class, e -> assertThat(e.kind())
                        .isEqualTo(StageException.Kind.INVALID_INPUT))
                .hasMessageContaining("fresh has no published version to assess");
    }

    @Test
    void anUnknownApplicationIsInvalidInput() {
        String missing = "arn:aws:resiliencehub:eu-west-1:123456789012:app/0000-missing";

        assertThatThrownBy(() -> run(ResilienceHubGateRequest.builder(missing, "jenkins-x-1").build()))
                .isInstanceOfSatisfying(StageException.class, e -> assertThat(e.kind())
                        .isEqualTo(StageException.Kind.INVALID_INPUT))
                .hasMessageContaining("application " + missing + " was not found in eu-west-1");
    }

    @Test
    void aRegionOtherThanTheApplicationsIsRefusedBeforeAnyCall() {
        try (AwsClientFactory other = new AwsClientFactory(hub.server().settings("us-east-1"))) {
            ResilienceHubGate gate = new ResilienceHubGate(request().build(), other, clock, StageLog.silent());
            assertThatThrownBy(gate::begin).hasMessageContaining("appArn is in eu-west-1 but the step calls "
                    + "Resilience Hub in us-east-1").extracting(e -> ((StageException) e).hint()).asString()
                    .contains("region: 'eu-west-1'");
        }
        assertThat(hub.server().requests()).isEmpty();
    }
}
