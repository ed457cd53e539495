package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.resiliencehub.ResiliencehubClient;
import software.amazon.awssdk.services.resiliencehub.model.DisruptionType;
import software.amazon.awssdk.services.resiliencehub.model.FailurePolicy;

/**
 * What moto models of Resilience Hub (apps, policies, the import call, assessment listings) against the real
 * SDK client: an unknown application, and the start of a gate up to the import.
 */
class ResilienceHubGateMotoTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    private static final String STACK =
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-test/0a1b2c3d-1111-2222-3333-444455556666";

    @Test
    void anApplicationMotoDoesNotKnowIsReportedAsNotFound() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            String missing = "arn:aws:resiliencehub:eu-west-1:123456789012:app/5b0c1d2e-0000-4000-8000-000000000000";
            ResilienceHubGate gate = new ResilienceHubGate(ResilienceHubGateRequest.builder(missing, "jenkins-a-1")
                    .build(), aws, Clock.systemUTC(), StageLog.silent());

            assertThatThrownBy(gate::begin)
                    .isInstanceOfSatisfying(StageException.class,
                            e -> assertThat(e.kind()).isEqualTo(StageException.Kind.INVALID_INPUT))
                    .hasMessageContaining("Resilience Hub application " + missing + " was not found in eu-west-1");
        }
    }

    @Test
    void theGateReadsTheApplicationCountsItsAssessmentsAndStartsTheImport() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            ResiliencehubClient hub = aws.client(ResiliencehubClient::builder);
            FailurePolicy hour = FailurePolicy.builder().rtoInSecs(3600).rpoInSecs(900).build();
            String policy = hub.createResiliencyPolicy(r -> r.policyName("critical").tier("Critical")
                    .policy(java.util.Map.of(DisruptionType.SOFTWARE, hour, DisruptionType.HARDWARE, hour,
                            DisruptionType.AZ, hour))).policy().policyArn();
            String app = hub.createApp(r -> r.name("shop").policyArn(policy)).app().appArn();
            List<String> log = new ArrayList<>();

            ResilienceHubGate gate = new ResilienceHubGate(ResilienceHubGateRequest.builder(app, "jenkins-shop-7")
                    .stackArns(List.of(STACK)).build(), aws, Clock.systemUTC(), StageLog.to(log::add));
            ResilienceHubProgress progress = gate.begin();

            assertThat(progress.phase()).isEqualTo(ResilienceHubProgress.Phase.IMPORTING);
            assertThat(progress.appName()).isEqualTo("shop");
            assertThat(progress.quotaUsed()).isZero();
            assertThat(progress.lastSuccessArn()).isNull();
            assertThat(log).anyMatch(l -> l.contains("shop (" + app + "): 0 of 20 assessments used this month"))
                    .anyMatch(l -> l.startsWith("Importing into the draft version of shop (AddOnly): "
                            + "1 CloudFormation stack(s)"));
        }
    }
}
