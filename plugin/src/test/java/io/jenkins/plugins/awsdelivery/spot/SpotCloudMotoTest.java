package io.jenkins.plugins.awsdelivery.spot;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The cloud's AWS round trip against moto's EC2: with an AMI it makes its own launch template (IMDSv2, the inbound
 * bootstrap as user data) and launches tagged instances with CreateFleet. Tagged "moto": it runs with
 * {@code -DwithMoto} where moto's server is installed (not on Jenkins' own CI agents).
 */
@WithJenkins
@Tag("moto")
class SpotCloudMotoTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    @Test
    void amiCloudMakesItsLaunchTemplateAndLaunchesTaggedAgents(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", MotoServer.ACCESS_KEY, MotoServer.SECRET_KEY, "moto"));
        AwsDeliveryStagesConfiguration.get().setEndpointOverride(moto.endpoint().toString());
        jenkins.model.JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());
        List<String> subnets = new ArrayList<>();
        String ami;
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            String vpc = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
            for (String zone : List.of("eu-west-1a", "eu-west-1b")) {
                int n = subnets.size();
                subnets.add(ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.9." + n + ".0/24")
                        .availabilityZone(zone)).subnet().subnetId());
            }
            ami = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        }
        SpotAgentTemplate t = new SpotAgentTemplate("default");
        t.setAmiId(ami);
        t.setInstanceTypes("m5.large c5.large");
        t.setLabelString("spot");
        t.setMinAgents(1);
        t.setInitScript("echo hello-from-init");
        SpotCloud c = new SpotCloud("moto-spot");
        c.setRegion("eu-west-1");
        c.setCredentialsId("aws");
        c.setSubnetIds(String.join(" ", subnets));
        c.setTemplates(List.of(t));
        j.jenkins.clouds.add(c);

        c.getRuntime().stepNow();

        assertThat(c.agents()).hasSize(1);
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            Ec2Client ec2 = aws.client(Ec2Client::builder);
            var version = ec2.describeLaunchTemplateVersions(r -> r
                    .launchTemplateName("aws-delivery-stages-moto-spot").versions("$Latest"))
                    .launchTemplateVersions().get(0).launchTemplateData();
            String userData = new String(Base64.getDecoder().decode(version.userData()), StandardCharsets.UTF_8);
            assertThat(userData).contains("hello-from-init").contains("aws-spot-agent/secret")
                    .contains(j.getURL().toString());
            assertThat(version.metadataOptions().httpTokensAsString()).isEqualTo("required");
            var tagged = ec2.describeInstances(r -> r.filters(f -> f.name("tag:aws-delivery-stages:cloud")
                    .values("moto-spot"))).reservations();
            assertThat(tagged).flatExtracting(r -> r.instances()).extracting(i -> i.instanceId())
                    .containsExactly(c.agents().get(0).getInstanceId());
        }
    }
}
