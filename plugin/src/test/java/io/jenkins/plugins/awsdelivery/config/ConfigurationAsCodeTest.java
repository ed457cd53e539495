package io.jenkins.plugins.awsdelivery.config;

import static io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot;
import static io.jenkins.plugins.casc.misc.Util.toStringFromYamlFile;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import org.junit.jupiter.api.Test;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void globalDefaultsAreImportedFromYaml(JenkinsConfiguredWithCodeRule j) {
        AwsDeliveryStagesConfiguration c = AwsDeliveryStagesConfiguration.get();

        assertThat(c.getDefaultRegion()).isEqualTo("eu-west-1");
        assertThat(c.getDefaultCredentialsId()).isEqualTo("aws-deploy");
        assertThat(c.getDefaultRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/jenkins-deployer");
        assertThat(c.getDefaultExternalId()).isEqualTo("jenkins-prod");
        assertThat(c.getEndpointOverride()).isNull();
        assertThat(c.isAllowControllerAwsIdentity()).isTrue();
        assertThat(c.isAllowControllerKubernetesIdentity()).isTrue();
        assertThat(c.getAllowedRoleArns()).containsExactly("arn:aws:iam::123456789012:role/deploy-*",
                "arn:aws:iam::*:role/readonly");
        assertThat(c.identityPolicy().roleAllowed("arn:aws:iam::123456789012:role/deploy-prod")).isTrue();
        assertThat(c.isIdentityDecisionPending()).as("configuration as code is an administrator's choice").isFalse();
    }

    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void globalDefaultsExportAsTheyWereImported(JenkinsConfiguredWithCodeRule j) throws Exception {
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode node = getUnclassifiedRoot(context).get("awsDeliveryStages");

        assertThat(toYamlString(node)).isEqualTo(toStringFromYamlFile(this, "expected-export.yml"));
    }

    @Test
    @ConfiguredWithCode("configuration-as-code-health-endpoints.yml")
    void healthEndpointsAreImportedAndExported(JenkinsConfiguredWithCodeRule j) throws Exception {
        AwsDeliveryStagesConfiguration c = AwsDeliveryStagesConfiguration.get();

        assertThat(c.getEndpointOverride()).isEqualTo("http://127.0.0.1:4566");
        assertThat(c.getHealthPassiveEndpoint()).isEqualTo("http://127.0.0.1:4567");
        assertThat(c.healthPassiveEndpointUri()).hasPort(4567);
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        assertThat(toYamlString(getUnclassifiedRoot(context).get("awsDeliveryStages")))
                .contains("healthPassiveEndpoint: \"http://127.0.0.1:4567\"");
    }
}
