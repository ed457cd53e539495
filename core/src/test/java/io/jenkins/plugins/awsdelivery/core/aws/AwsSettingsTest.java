package io.jenkins.plugins.awsdelivery.core.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

    private static final CredentialsSource STEP_KEYS = new CredentialsSource.StaticKeys("AKIASTEP", "step-secret");
    private static final CredentialsSource GLOBAL_KEYS = new CredentialsSource.StaticKeys("AKIAGLOBAL", "global-secret");
    private static final String STEP_ROLE = "arn:aws:iam::111111111111:role/StepRole";
    private static final String GLOBAL_ROLE = "arn:aws:iam::222222222222:role/GlobalRole";

    @Test
    void stepCredentialsWinOverGlobalDefaults() {
        AwsSettings s = AwsSettings.resolve(List.of(
                AwsSettings.Layer.EMPTY.withCredentials(STEP_KEYS),
                AwsSettings.Layer.EMPTY.withRegion("eu-west-1").withCredentials(GLOBAL_KEYS)), null);

        assertThat(s.credentials()).isEqualTo(STEP_KEYS);
        assertThat(s.region()).isEqualTo("eu-west-1");
    }

    @Test
    void globalCredentialsApplyWhenTheStepHasNone() {
        AwsSettings s = AwsSettings.resolve(List.of(
                AwsSettings.Layer.EMPTY.withRegion("us-west-2"),
                AwsSettings.Layer.EMPTY.withRegion("eu-west-1").withCredentials(GLOBAL_KEYS)), null);

        assertThat(s.credentials()).isEqualTo(GLOBAL_KEYS);
        assertThat(s.region()).as("the step's region wins").isEqualTo("us-west-2");
    }

    @Test
    void defaultChainWhenNoLayerGivesCredentials() {
        AwsSettings s = AwsSettings.resolve(List.of(AwsSettings.Layer.EMPTY, AwsSettings.Layer.EMPTY), "ap-south-1");

        assertThat(s.credentials()).isInstanceOf(CredentialsSource.DefaultChain.class);
        assertThat(s.region()).as("falls back to the environment's region").isEqualTo("ap-south-1");
    }

    @Test
    void stepRoleNeverTakesTheGlobalExternalId() {
        AwsSettings s = AwsSettings.resolve(List.of(
                AwsSettings.Layer.EMPTY.withRole(STEP_ROLE, null),
                AwsSettings.Layer.EMPTY.withRegion("eu-west-1").withRole(GLOBAL_ROLE, "global-external-id")), null);

        assertThat(s.assumeRole()).hasValueSatisfying(r -> {
            assertThat(r.roleArn()).isEqualTo(STEP_ROLE);
            assertThat(r.externalId()).as("the external ID belongs to the global role only").isNull();
        });
    }

    @Test
    void globalRoleComesWithItsExternalIdAndDefaultDuration() {
        AwsSettings s = AwsSettings.resolve(List.of(
                AwsSettings.Layer.EMPTY.withCredentials(STEP_KEYS),
                AwsSettings.Layer.EMPTY.withRegion("eu-west-1").withRole(GLOBAL_ROLE, "ext-42")), null);

        assertThat(s.credentials()).isEqualTo(STEP_KEYS);
        assertThat(s.assumeRole()).hasValueSatisfying(r -> {
            assertThat(r.roleArn()).isEqualTo(GLOBAL_ROLE);
            assertThat(r.externalId()).isEqualTo("ext-42");
            assertThat(r.duration()).isEqualTo(Duration.ofSeconds(3600));
        });
    }

    @Test
    void endpointOverrideFromTheMostSpecificLayer() {
        AwsSettings s = AwsSettings.resolve(List.of(
                AwsSettings.Layer.EMPTY.withEndpoint(URI.create("http://127.0.0.1:1")),
                AwsSettings.Layer.EMPTY.withRegion("eu-west-1").withEndpoint(URI.create("http://127.0.0.1:2"))), null);

        assertThat(s.endpointOverride()).contains(URI.create("http://127.0.0.1:1"));
    }

    @Test
    void missingRegionIsAClearError() {
        assertThatThrownBy(() -> AwsSettings.resolve(List.of(AwsSettings.Layer.EMPTY), null))
                .isInstanceOf(StageException.class)
                .hasMessageContaining("No AWS region")
                .satisfies(e -> assertThat(((StageException) e).hint()).contains("AWS_REGION"));
    }

    @Test
    void secretsNeverAppearInDescriptions() {
        CredentialsSource keys = new CredentialsSource.StaticKeys("AKIAABCDEFGH1234", "very-secret-value", "tok-secret");
        AwsSettings s = AwsSettings.of(AwsSettings.Layer.EMPTY.withRegion("eu-west-1").withCredentials(keys));

        assertThat(s.describe() + keys + s).doesNotContain("very-secret-value").doesNotContain("tok-secret")
                .doesNotContain("AKIAABCDEFGH1234").contains("****1234");
    }

    @Test
    void assumeRoleValidatesItsInput() {
        assertThatThrownBy(() -> AssumeRole.of("not-an-arn")).isInstanceOf(StageException.class)
                .hasMessageContaining("not an IAM role ARN");
        assertThatThrownBy(() -> new AssumeRole(GLOBAL_ROLE, null, null, Duration.ofSeconds(60)))
                .isInstanceOf(StageException.class).hasMessageContaining("out of range");
        assertThat(AssumeRole.sessionNameFrom("folder/my job #12")).isEqualTo("folder-my-job--12");
    }
}
