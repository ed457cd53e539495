package io.jenkins.plugins.awsdelivery.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.Item;
import hudson.util.FormValidation;
import java.net.URL;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class GlobalConfigurationFormTest {

    @Test
    void regionValidationNamesWhatIsWrong(JenkinsRule j) {
        assertThat(AwsDeliveryStagesConfiguration.checkRegion("eu-west-1").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(AwsDeliveryStagesConfiguration.checkRegion("Frankfurt").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(AwsDeliveryStagesConfiguration.checkRegion("Frankfurt").getMessage())
                .contains("not an AWS region name");
        assertThat(AwsDeliveryStagesConfiguration.checkRoleArn("role/x").kind).isEqualTo(FormValidation.Kind.ERROR);
    }

    @Test
    void validationEndpointsRefuseGetAndUsersWithoutAdminister(JenkinsRule j) throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Item.READ).everywhere().to("reader"));
        String path = "descriptorByName/" + AwsDeliveryStagesConfiguration.class.getName()
                + "/checkDefaultRegion?value=eu-west-1";

        JenkinsRule.WebClient admin = j.createWebClient().login("admin").withThrowExceptionOnFailingStatusCode(false);
        Page get = admin.goTo(path, null);
        assertThat(get.getWebResponse().getStatusCode()).as("GET is refused").isEqualTo(405);

        WebRequest post = new WebRequest(new URL(j.getURL(), path), HttpMethod.POST);
        assertThat(admin.getPage(admin.addCrumb(post)).getWebResponse().getStatusCode()).isEqualTo(200);

        JenkinsRule.WebClient reader = j.createWebClient().login("reader").withThrowExceptionOnFailingStatusCode(false);
        WebRequest readerPost = new WebRequest(new URL(j.getURL(), path), HttpMethod.POST);
        assertThat(reader.getPage(reader.addCrumb(readerPost)).getWebResponse().getStatusCode()).isEqualTo(403);

        String roles = "descriptorByName/" + AwsDeliveryStagesConfiguration.class.getName()
                + "/checkAllowedRoleArnsText?value=deploy-*";
        assertThat(admin.goTo(roles, null).getWebResponse().getStatusCode()).as("GET is refused").isEqualTo(405);
        Page checked = admin.getPage(admin.addCrumb(new WebRequest(new URL(j.getURL(), roles), HttpMethod.POST)));
        assertThat(checked.getWebResponse().getContentAsString()).contains("is not a role ARN pattern");
        assertThat(reader.getPage(reader.addCrumb(new WebRequest(new URL(j.getURL(), roles), HttpMethod.POST)))
                .getWebResponse().getStatusCode()).isEqualTo(403);
    }
}
