package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest.Action;
import io.jenkins.plugins.awsdelivery.core.resiliencehub.ResilienceHubGateRequest.ImportStrategy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every input is checked before any call, with a message that names it. */
class ResilienceHubGateRequestTest {

    private static final String APP = "arn:aws:resiliencehub:eu-west-1:123456789012:app/0f1e2d3c-aaaa-bbbb";

    @Test
    void defaultsFailOnBreachAndOnMissingPolicyWithAnHourToWait() {
        ResilienceHubGateRequest r = ResilienceHubGateRequest.builder(APP, "jenkins-shop-1").build();
        assertThat(r.onBreach()).isEqualTo(Action.FAIL);
        assertThat(r.onMissingPolicy()).isEqualTo(Action.FAIL);
        assertThat(r.importStrategy()).isEqualTo(ImportStrategy.AddOnly);
        assertThat(r.timeout()).isEqualTo(Duration.ofHours(1));
        assertThat(r.imports()).isFalse();
        assertThat(r.appRegion()).isEqualTo("eu-west-1");
        assertThat(r.appId()).isEqualTo("0f1e2d3c-aaaa-bbbb");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "arn:aws:resiliencehub:eu-west-1:123456789012:policy/x | is not a Resilience Hub application ARN",
        "app/0f1e2d3c | is not a Resilience Hub application ARN",
        "arn:aws-cn:resiliencehub:eu-west-1:123456789012:app/x1 | names partition 'aws-cn', but region eu-west-1",
        "arn:aws:resiliencehub:cn-north-1:123456789012:app/x1 | is in partition 'aws-cn'",
    })
    void aWrongApplicationArnIsNamed(String arn, String message) {
        assertThatThrownBy(() -> ResilienceHubGateRequest.builder(arn, "n1").build())
                .isInstanceOf(StageException.class).hasMessageContaining(message);
    }

    @Test
    void sourcesAreCheckedAgainstTheModelsShapes() {
        assertThatThrownBy(() -> ResilienceHubGateRequest.builder(APP, "n1").stackArns(List.of("shop-test")).build())
                .hasMessageContaining("stackArns: 'shop-test' is not a CloudFormation stack ARN");
        assertThatThrownBy(() -> ResilienceHubGateRequest.builder(APP, "n1").stackArns(List.of(
                "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/1a")).build())
                .hasMessageContaining("partition 'aws-cn', the application in 'aws'");
        assertThatThrownBy(() -> ResilienceHubGateRequest.builder(APP, "n1")
                .terraformStateFiles(List.of("/tmp/terraform.tfstate")).build())
                .hasMessageContaining("terraformStateFiles: '/tmp/terraform.tfstate' is not an S3 URL");
        assertThat(ResilienceHubGateRequest.builder(APP, "n1").terraformStateFiles(List.of(
                "https://tf.s3.eu-west-1.amazonaws.com/shop/terraform.tfstate, s3://tf/other.tfstate")).build()
                .terraformStateFiles()).hasSize(2);
        assertThatThrownBy(() -> EksSource.parse("arn:aws:eks:eu-west-1:123456789012:cluster/shop"))
                .hasMessageContaining("names no namespaces");
        assertThatThrownBy(() -> EksSource.parse("arn:aws:eks:eu-west-1:123456789012:cluster/shop=Web"))
                .hasMessageContaining("'Web' is not a Kubernetes namespace name");
        assertThat(EksSource.parse("arn:aws:eks:eu-west-1:123456789012:cluster/shop= web , api ").namespaces())
                .containsExactly("web", "api");
    }

    @Test
    void replaceAllWithoutSourcesWouldEmptyTheApplicationAndIsRefused() {
        assertThatThrownBy(() -> ResilienceHubGateRequest.builder(APP, "n1")
                .importStrategy(ImportStrategy.ReplaceAll).build())
                .hasMessageContaining("importStrategy ReplaceAll was given without any source");
    }

    @Test
    void timeoutMustBePositiveAndActionsAreWords() {
        assertThatThrownBy(() -> ResilienceHubGateRequest.builder(APP, "n1").timeout(Duration.ZERO).build())
                .hasMessageContaining("timeout PT0S is not positive");
        assertThat(ResilienceHubGateRequest.action("onBreach", "Unstable")).isEqualTo(Action.UNSTABLE);
        assertThatThrownBy(() -> ResilienceHubGateRequest.action("onBreach", "warn"))
                .hasMessageContaining("onBreach 'warn' is not an action").extracting(e -> ((StageException) e).hint())
                .isEqualTo("Use fail, unstable or pass.");
        assertThat(ResilienceHubGateRequest.importStrategy("replaceall")).isEqualTo(ImportStrategy.ReplaceAll);
    }

    @Test
    void theDefaultAssessmentNameIsTheSameForTheSameBuildAndFitsResilienceHubsRules() {
        assertThat(AssessmentName.forBuild("shop/deploy", 42)).isEqualTo("jenkins-shop-deploy-42");
        String longJob = "platform/teams/payments/services/checkout-api/deploy-to-production-eu";
        String name = AssessmentName.forBuild(longJob, 1234);
        assertThat(name).isEqualTo(AssessmentName.forBuild(longJob, 1234)).hasSizeLessThanOrEqualTo(60)
                .matches("[A-Za-z0-9][A-Za-z0-9_-]{1,59}").endsWith("-production-eu-1234")
                .isNotEqualTo(AssessmentName.forBuild(longJob.replace("payments", "billing"), 1234));
        assertThat(AssessmentName.require(name)).isEqualTo(name);
        assertThatThrownBy(() -> AssessmentName.require("release 42"))
                .hasMessageContaining("assessmentName 'release 42' is not a valid Resilience Hub name");
    }
}
