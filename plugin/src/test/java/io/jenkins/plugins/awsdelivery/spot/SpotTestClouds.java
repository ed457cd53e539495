package io.jenkins.plugins.awsdelivery.spot;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import java.nio.file.Files;
import java.util.List;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The Spot cloud the plugin's tests run: "linux-spot" on the scripted EC2, one template "default" with label "spot",
 * at most 4 agents.
 */
final class SpotTestClouds {

    static final List<String> SUBNETS = List.of("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2",
            "subnet-0ccccccccccccccc3");

    private SpotTestClouds() {}

    static SpotCloud add(JenkinsRule j, FakeEc2 ec2, int minAgents) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", "AKIASPOTCLOUDTEST", "spot-cloud-secret", "test"));
        SystemCredentialsProvider.getInstance().save();
        AwsDeliveryStagesConfiguration.get().setEndpointOverride(ec2.server().endpoint().toString());
        SpotAgentTemplate t = template("default", "spot");
        t.setMinAgents(minAgents);
        SpotCloud c = new SpotCloud("linux-spot");
        c.setRegion(FakeEc2.REGION);
        c.setCredentialsId("aws");
        c.setSubnetIds(String.join("\n", SUBNETS));
        c.setMaxAgents(4);
        c.setTemplates(List.of(t));
        j.jenkins.clouds.add(c);
        j.jenkins.save();
        return c;
    }

    /** A template on the scripted launch template with six instance types, one executor, a temporary root. */
    static SpotAgentTemplate template(String name, String labels) throws java.io.IOException {
        SpotAgentTemplate t = new SpotAgentTemplate(name);
        t.setLaunchTemplate("lt-0123456789abcdef0");
        t.setInstanceTypes("m5.large m5a.large m6i.large c5.large c6i.large r5.large");
        t.setLabelString(labels);
        t.setNumExecutors(1);
        t.setRemoteFs(Files.createTempDirectory("spot-agent").toString());
        return t;
    }
}
