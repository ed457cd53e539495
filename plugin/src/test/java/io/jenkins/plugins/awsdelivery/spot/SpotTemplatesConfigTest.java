package io.jenkins.plugins.awsdelivery.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.slaves.EnvironmentVariablesNodeProperty;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.Util;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Agent templates in the configuration: a JCasC round trip of two templates with node properties, the old flat
 * form (JCasC and a saved config.xml) loading as the template "default", and both forms at once refused.
 */
@WithJenkins
class SpotTemplatesConfigTest {

    private static Path resource(String name) throws Exception {
        Path p = Files.createTempFile("spot-templates", ".yml");
        try (InputStream in = SpotTemplatesConfigTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private static String exportedClouds() throws Exception {
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        return Util.toYamlString(Util.getJenkinsRoot(context).get("clouds"));
    }

    private static String env(SpotAgentTemplate t, String key) {
        EnvironmentVariablesNodeProperty p = t.getNodeProperties().get(EnvironmentVariablesNodeProperty.class);
        return p == null ? null : p.getEnvVars().get(key);
    }

    @Test
    void twoTemplatesWithNodePropertiesSurviveAnExportAndReimport(JenkinsRule j) throws Exception {
        ConfigurationAsCode.get().configure(resource("two-templates.yml").toString());

        SpotCloud c = (SpotCloud) j.jenkins.getCloud("mixed");
        assertThat(c.getTemplates()).extracting(SpotAgentTemplate::getName).containsExactly("linux", "single-use");
        SpotAgentTemplate linux = c.template("linux");
        SpotAgentTemplate single = c.template("single-use");
        assertThat(linux.getNumExecutors()).isEqualTo(2);
        assertThat(linux.getMaxAgents()).isEqualTo(8);
        assertThat(env(linux, "DOCKER_HOST")).isEqualTo("unix:///var/run/docker.sock");
        assertThat(single.getMaxTotalUses()).isEqualTo(1);
        assertThat(single.getIdleMinutes()).isEqualTo(5);
        assertThat(env(single, "FRESH")).isEqualTo("yes");
        assertThat(c.getMaxAgents()).as("cloud-wide").isEqualTo(12);
        assertThat(c.templateFor(hudson.model.Label.get("clean"))).isSameAs(single);
        assertThat(c.templateFor(null)).as("the first template has labels: unlabelled work is not ours").isNull();
        jenkins.model.JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());
        assertThat(c.getWarnings()).isEmpty();
        single.setLabelString("clean linux");
        assertThat(c.getWarnings()).as("the page warns: 'linux' work never reaches the second template")
                .singleElement().asString().contains("Label 'linux'");
        single.setLabelString("clean");

        String exported = exportedClouds();
        assertThat(exported).contains("templates:").contains("nodeProperties:").contains("DOCKER_HOST")
                .contains("maxTotalUses: 1");
        assertThat(exported.lines().filter(l -> l.matches("\\s*amiId:.*")).count()).as("only in the template")
                .isEqualTo(1);

        Path again = Files.createTempFile("spot-export", ".yml");
        Files.writeString(again, "jenkins:\n  clouds:\n" + exported.lines().map(l -> "    " + l)
                .collect(Collectors.joining("\n")) + "\n");
        j.jenkins.clouds.clear();
        ConfigurationAsCode.get().configure(again.toString());
        SpotCloud reloaded = (SpotCloud) j.jenkins.getCloud("mixed");
        j.assertEqualDataBoundBeans(c, reloaded);
        assertThat(env(reloaded.template("single-use"), "FRESH")).isEqualTo("yes");
    }

    @Test
    void oldFlatJcascFieldsLoadAsTheTemplateDefaultAndExportAsTemplates(JenkinsRule j) throws Exception {
        ConfigurationAsCode.get().configure(resource("flat-cloud.yml").toString());

        SpotCloud c = (SpotCloud) j.jenkins.getCloud("flat");
        assertThat(c.getTemplates()).singleElement().satisfies(t -> {
            assertThat(t.getName()).isEqualTo("default");
            assertThat(t.getLaunchTemplate()).isEqualTo("lt-0123456789abcdef0");
            assertThat(t.getLabelString()).isEqualTo("linux spot");
            assertThat(t.getNumExecutors()).isEqualTo(2);
            assertThat(t.getMinAgents()).isEqualTo(1);
            assertThat(t.getIdleMinutes()).isEqualTo(15);
            assertThat(t.getMaxAgents()).as("no limit of its own: the cloud's 20").isZero();
        });
        assertThat(c.getMaxAgents()).isEqualTo(20);
        String exported = exportedClouds();
        assertThat(exported).contains("templates:").contains("name: \"default\"");
        assertThat(exported.lines().filter(l -> l.matches("\\s*labelString:.*")).count())
                .as("written once, in the template").isEqualTo(1);
    }

    @Test
    void templatesAndTheOldFlatFieldsTogetherAreRefused(JenkinsRule j) throws Exception {
        Path both = resource("both-forms.yml");
        assertThatThrownBy(() -> ConfigurationAsCode.get().configure(both.toString()))
                .hasStackTraceContaining("gives both 'templates' and the old top-level field");
        assertThat(j.jenkins.getCloud("both")).isNull();
    }

    @Test
    void oldSingleTemplateConfigXmlLoadsAsTheTemplateDefault(JenkinsRule j) throws Exception {
        SpotCloud c;
        try (InputStream in = getClass().getResourceAsStream("old-flat-cloud.xml")) {
            c = (SpotCloud) Jenkins.XSTREAM2.fromXML(in);
        }

        assertThat(c.name).isEqualTo("linux-spot");
        assertThat(c.getRegion()).isEqualTo("eu-west-1");
        assertThat(c.getMaxAgents()).isEqualTo(20);
        assertThat(c.getTemplates()).singleElement().satisfies(t -> {
            assertThat(t.getName()).isEqualTo("default");
            assertThat(t.getAmiId()).isEqualTo("ami-0123456789abcdef0");
            assertThat(t.getInstanceProfile()).isEqualTo("jenkins-agent");
            assertThat(t.getSecurityGroupIds()).isEqualTo("sg-0123456789abcdef0");
            assertThat(t.getInitScript()).isEqualTo("dnf install -y git");
            assertThat(t.getInstanceTypes()).isEqualTo("m5.large m5a.large c5.large");
            assertThat(t.getLabelString()).isEqualTo("linux spot");
            assertThat(t.getNumExecutors()).isEqualTo(2);
            assertThat(t.effectiveRemoteFs()).isEqualTo("/opt/jenkins-agent");
            assertThat(t.getJvmOptions()).isEqualTo("-Xmx2g");
            assertThat(t.getMinAgents()).isEqualTo(1);
            assertThat(t.getIdleMinutes()).isEqualTo(15);
            assertThat(t.getKeyName()).isEqualTo("ci-agents");
            assertThat(t.getMaxTotalUses()).as("unlimited, as before").isZero();
            assertThat(t.getNodeProperties()).isEmpty();
        });

        String saved = Jenkins.XSTREAM2.toXML(c);
        assertThat(saved).contains("<templates>");
        assertThat(saved.substring(0, saved.indexOf("<templates>"))).as("the flat fields are not written back")
                .doesNotContain("<amiId>").doesNotContain("<labelString>").doesNotContain("<numExecutors>");
        j.assertEqualDataBoundBeans(c, Jenkins.XSTREAM2.fromXML(saved));

        jenkins.model.JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());
        j.jenkins.clouds.add(c);
        assertThat(c.canProvision(new hudson.slaves.Cloud.CloudState(hudson.model.Label.get("spot"), 0))).isTrue();
        assertThat(c.toConfig("controller").templates()).singleElement()
                .satisfies(t -> assertThat(t.name()).isEqualTo("default"));
    }

    @Test
    void templateFormChecksUseCoresRulesAndNeedAdminister(JenkinsRule j) throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new org.jvnet.hudson.test.MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin").grant(Jenkins.READ).everywhere().to("reader"));
        SpotAgentTemplate.DescriptorImpl d = j.jenkins.getDescriptorByType(SpotAgentTemplate.DescriptorImpl.class);
        try (var ignored = hudson.security.ACL.as2(hudson.model.User.getById("admin", true).impersonate2())) {
            assertThat(d.doCheckName("linux-large").kind).isEqualTo(hudson.util.FormValidation.Kind.OK);
            assertThat(d.doCheckName("Linux_Large").renderHtml()).contains("lower-case letters");
            assertThat(d.doCheckMaxTotalUses(1).renderHtml()).contains("Single-use");
            assertThat(d.doCheckMaxTotalUses(-1).kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
            assertThat(d.doCheckAmiId("ami-0123456789abcdef0", "lt-0123456789abcdef0").renderHtml())
                    .contains("not both");
            assertThat(d.doCheckLabelString("linux && big").kind).isEqualTo(hudson.util.FormValidation.Kind.ERROR);
            assertThat(d.doCheckRemoteFs("/opt/agent", "windows").kind)
                    .isEqualTo(hudson.util.FormValidation.Kind.WARNING);
            assertThat(d.getNodePropertyDescriptors()).extracting(x -> (Object) x.clazz)
                    .contains(EnvironmentVariablesNodeProperty.class);
        }
        try (var ignored = hudson.security.ACL.as2(hudson.model.User.getById("reader", true).impersonate2())) {
            assertThatThrownBy(() -> d.doCheckName("linux"))
                    .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        }
    }

    @Test
    void windowsExampleInTheDocsLoadsAndGetsThePowerShellBootstrap(JenkinsRule j) throws Exception {
        String doc = Files.readString(Path.of("../docs/spot-agents.md"));
        String block = "```yaml\\n(jenkins:\\n(?:(?!```).)*?name: ci-spot.*?)```"; // the block naming ci-spot
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(block, java.util.regex.Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/spot-agents.md has the Windows example").isTrue();
        Path yaml = Files.createTempFile("spot-windows", ".yml");
        Files.writeString(yaml, m.group(1));
        jenkins.model.JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());
        ConfigurationAsCode.get().configure(yaml.toString());

        SpotCloud c = (SpotCloud) j.jenkins.getCloud("ci-spot");
        SpotAgentTemplate windows = c.template("windows");
        assertThat(windows.getPlatform()).isEqualTo("windows");
        assertThat(windows.effectiveRemoteFs()).isEqualTo("C:\\jenkins\\agent");
        assertThat(c.bootstrapScript(windows)).contains("<powershell>");
        assertThat(c.bootstrapScript(c.template("linux"))).startsWith("#!/bin/bash");
        assertThat(c.toConfig("controller").templates()).extracting(t -> t.platform().fieldValue())
                .containsExactly("linux", "windows");
    }
}
