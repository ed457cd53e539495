package io.jenkins.plugins.awsdelivery.steps;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.FreeStyleProject;
import io.jenkins.plugins.awsdelivery.health.AwsHealthGateBuilder;
import io.jenkins.plugins.awsdelivery.health.AwsHealthGateStep;
import io.jenkins.plugins.awsdelivery.trivy.TrivyScanToSecurityHubBuilder;
import io.jenkins.plugins.awsdelivery.trivy.TrivyScanToSecurityHubStep;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import javax.xml.transform.stream.StreamSource;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * List parameters in a job's {@code config.xml}, through Jenkins' own XStream: written as plain lists, and files
 * written by earlier versions (immutable JDK lists) still read, and rewritten plainly on the next save.
 */
@WithJenkins
class PersistedListsTest {

    private static AwsHealthGateStep healthGate() {
        AwsHealthGateStep step = new AwsHealthGateStep();
        step.setServices(List.of("ECS", "EC2"));
        step.setRegions(List.of("eu-west-1"));
        return step;
    }

    /** What versions before the fix wrote: the setters kept {@code List.of}/{@code toList()} values. */
    private static void asEarlierVersionsKeptIt(Object step, String field, List<String> value) throws Exception {
        Field f = step.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(step, List.copyOf(value));
    }

    @Test
    void jobConfigurationHoldsPlainListsAndReadsBackTheSame(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("lists");
        AwsHealthGateBuilder gate = new AwsHealthGateBuilder(healthGate());
        TrivyScanToSecurityHubStep trivy = new TrivyScanToSecurityHubStep();
        trivy.setReportFile("trivy.json");
        trivy.setFailOn(List.of("CRITICAL", "HIGH"));
        p.getBuildersList().add(gate);
        p.getBuildersList().add(new TrivyScanToSecurityHubBuilder(trivy));
        p.save();

        String xml = p.getConfigFile().asString();
        assertThat(xml).doesNotContain("ImmutableCollections").doesNotContain("CollSer")
                .contains("<services>").contains("<string>ECS</string>").contains("<string>HIGH</string>");

        String direct = Jenkins.XSTREAM2.toXML(gate);
        AwsHealthGateBuilder back = (AwsHealthGateBuilder) Jenkins.XSTREAM2.fromXML(direct);
        assertThat(back.getStep().getServices()).containsExactly("ECS", "EC2");
        assertThat(back.getStep().getRegions()).containsExactly("eu-west-1");
        j.assertEqualDataBoundBeans(gate, back);
    }

    @Test
    void configurationWrittenWithImmutableListsIsReadAndSavedPlainly(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("old-format");
        AwsHealthGateStep step = healthGate();
        asEarlierVersionsKeptIt(step, "services", List.of("ECS", "EC2"));
        asEarlierVersionsKeptIt(step, "statuses", List.of("open"));
        p.getBuildersList().add(new AwsHealthGateBuilder(step));
        p.save();
        String old = p.getConfigFile().asString();
        assertThat(old).as("the fixture is in the old format").contains("ImmutableCollections");

        p.updateByXml(new StreamSource(new StringReader(old)));
        AwsHealthGateStep read = p.getBuildersList().get(AwsHealthGateBuilder.class).getStep();
        assertThat(read.getServices()).containsExactly("ECS", "EC2");
        assertThat(read.getStatuses()).containsExactly("open");
        Field services = AwsHealthGateStep.class.getDeclaredField("services");
        services.setAccessible(true);
        assertThat(services.get(read)).isExactlyInstanceOf(ArrayList.class);

        p.save();
        assertThat(p.getConfigFile().asString()).doesNotContain("ImmutableCollections")
                .contains("<string>EC2</string>").contains("<string>open</string>");
    }
}
