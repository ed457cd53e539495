package io.jenkins.plugins.awsdelivery.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.AbortException;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.TaskListener;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.aws.CredentialsSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class AwsConnectionTest {

    private JenkinsRule j;
    private FreeStyleBuild build;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws-step", "AKIASTEPSTEPSTEP", "step-secret-key", "step credentials"));
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws-global", "AKIAGLOBALGLOBAL", "global-secret-key", "global credentials"));
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "keys-as-password", "", "AKIAUSERPASSWORD", "password-secret-key"));
        SystemCredentialsProvider.getInstance().save();
        FreeStyleProject p = j.createFreeStyleProject("deploy");
        build = j.buildAndAssertSuccess(p);
    }

    @Test
    void stepCredentialsAndRegionWinOverGlobalDefaults() throws Exception {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("us-west-2");
        global.setDefaultCredentialsId("aws-global");

        ResolvedAws r = new AwsConnection("aws-step", "eu-west-1", null, null).resolve(build, TaskListener.NULL);

        assertThat(r.settings().credentials()).isEqualTo(
                new CredentialsSource.StaticKeys("AKIASTEPSTEPSTEP", "step-secret-key", null));
        assertThat(r.settings().region()).isEqualTo("eu-west-1");
        assertThat(r.secrets()).containsExactly("step-secret-key");
    }

    @Test
    void globalDefaultsApplyWhenTheStepSaysNothing() throws Exception {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("us-west-2");
        global.setDefaultCredentialsId("aws-global");
        global.setDefaultRoleArn("arn:aws:iam::123456789012:role/deployer");
        global.setDefaultExternalId("ext-1");

        ResolvedAws r = new AwsConnection(null, null, null, null).resolve(build, TaskListener.NULL);

        assertThat(((CredentialsSource.StaticKeys) r.settings().credentials()).accessKeyId())
                .isEqualTo("AKIAGLOBALGLOBAL");
        assertThat(r.settings().region()).isEqualTo("us-west-2");
        assertThat(r.settings().assumeRole()).hasValueSatisfying(role -> {
            assertThat(role.externalId()).isEqualTo("ext-1");
            assertThat(role.sessionName()).isEqualTo("deploy-1");
        });
    }

    @Test
    void usernamePasswordIsAnAccessKeyAndSecret() throws Exception {
        ResolvedAws r = new AwsConnection("keys-as-password", "eu-west-1", null, null).resolve(build,
                TaskListener.NULL);

        assertThat(r.settings().credentials()).isEqualTo(
                new CredentialsSource.StaticKeys("AKIAUSERPASSWORD", "password-secret-key", null));
        assertThat(r.secrets()).containsExactly("password-secret-key");
    }

    @Test
    void missingCredentialsAreAClearError() {
        assertThatThrownBy(() -> new AwsConnection("nope", "eu-west-1", null, null).resolve(build, TaskListener.NULL))
                .isInstanceOf(AbortException.class).hasMessageContaining("AWS credentials 'nope' were not found");
    }

    @Test
    void noRegionAnywhereIsAClearError() {
        AwsDeliveryStagesConfiguration.get().setAllowControllerAwsIdentity(true);

        assertThatThrownBy(() -> new AwsConnection(null, null, null, null).resolve(build, TaskListener.NULL))
                .isInstanceOf(AbortException.class).hasMessageContaining("No AWS region was given");
    }

    @Test
    void noCredentialAnywhereIsRefusedWithoutTheOptIn() throws Exception {
        assertThatThrownBy(() -> new AwsConnection(null, "eu-west-1", null, null).forStep("awsHealthGate")
                .resolve(build, TaskListener.NULL))
                .isInstanceOf(AbortException.class).hasMessageContaining("awsHealthGate has no AWS credential")
                .hasMessageContaining("Builds may use the controller's own AWS identity");

        AwsDeliveryStagesConfiguration.get().setAllowControllerAwsIdentity(true);
        assertThat(new AwsConnection(null, "eu-west-1", null, null).resolve(build, TaskListener.NULL).settings()
                .credentials()).isEqualTo(new CredentialsSource.DefaultChain());
    }

    @Test
    void aPinnedConnectionIgnoresLaterChangesOfTheGlobalConfiguration() throws Exception {
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("us-west-2");
        global.setDefaultCredentialsId("aws-global");
        global.setEndpointOverride("http://127.0.0.1:4566");
        AwsConnection pinned = new AwsConnection(null, null, null, null).pinned();

        global.setDefaultRegion("eu-central-1");
        global.setDefaultCredentialsId("aws-step");
        global.setEndpointOverride("http://127.0.0.1:9");
        ResolvedAws r = pinned.resolve(build, TaskListener.NULL);

        assertThat(pinned.getCredentialsId()).isEqualTo("aws-global");
        assertThat(r.settings().region()).isEqualTo("us-west-2");
        assertThat(r.settings().endpointOverride()).hasValue(java.net.URI.create("http://127.0.0.1:4566"));
        assertThat(((CredentialsSource.StaticKeys) r.settings().credentials()).accessKeyId())
                .as("the credential is looked up again, by the ID it started with").isEqualTo("AKIAGLOBALGLOBAL");
    }
}
