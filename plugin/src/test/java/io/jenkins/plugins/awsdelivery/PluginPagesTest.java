package io.jenkins.plugins.awsdelivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.Util;
import hudson.model.FreeStyleProject;
import hudson.tasks.Builder;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.ecs.EcsForceDeployBuilder;
import io.jenkins.plugins.awsdelivery.ecs.EcsForceDeployStep;
import io.jenkins.plugins.awsdelivery.health.AwsHealthGateBuilder;
import io.jenkins.plugins.awsdelivery.health.AwsHealthGateStep;
import io.jenkins.plugins.awsdelivery.portworx.PxSnapshotBuilder;
import io.jenkins.plugins.awsdelivery.portworx.PxSnapshotStep;
import io.jenkins.plugins.awsdelivery.spot.SpotAgent;
import io.jenkins.plugins.awsdelivery.spot.SpotAgentTemplate;
import io.jenkins.plugins.awsdelivery.spot.SpotCloud;
import io.jenkins.plugins.awsdelivery.testing.FakeEc2;
import io.jenkins.plugins.awsdelivery.trivy.TrivyScanToSecurityHubBuilder;
import io.jenkins.plugins.awsdelivery.trivy.TrivyScanToSecurityHubStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlOption;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlSelect;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.structs.describable.HeterogeneousObjectType;
import org.jenkinsci.plugins.workflow.cps.Snippetizer;
import org.jenkinsci.plugins.workflow.steps.CoreStep;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Opens every page the plugin contributes, as an administrator would: each answers 200, shows every field of its
 * Jelly form and every label in full, and no Jelly error reaches the log. A {@code ${%...}} text with parentheses
 * made the cloud's page answer 500, truncated the Portworx form and silently shortened other labels.
 */
@WithJenkins
class PluginPagesTest {

    private static final String RESOURCES = "/io/jenkins/plugins/awsdelivery/";
    private static final Pattern FIELD = Pattern.compile("\\bfield=\"(\\w+)\"");

    private final List<LogRecord> jellyErrors = new CopyOnWriteArrayList<>();
    private final Handler jellyErrorCollector = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (isJellyError(r)) {
                jellyErrors.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private FakeEc2 ec2;

    @BeforeEach
    void collectJellyErrors() {
        Logger.getLogger("").addHandler(jellyErrorCollector);
        ec2 = new FakeEc2(Instant::now);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(jellyErrorCollector);
        ec2.close();
    }

    /** Stapler and Jelly report a broken view at WARNING or above, through their own loggers or with the cause. */
    private static boolean isJellyError(LogRecord r) {
        if (r.getLevel().intValue() < Level.WARNING.intValue()) {
            return false;
        }
        String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
        if (logger.startsWith("org.kohsuke.stapler") || logger.startsWith("org.apache.commons.jelly")) {
            return true;
        }
        if (String.valueOf(r.getMessage()).contains("Jelly")) {
            return true;
        }
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            if (t.getClass().getName().contains("Jelly")
                    || String.valueOf(t.getMessage()).contains("Unable to create expression")) {
                return true;
            }
        }
        return false;
    }

    private void assertNoJellyErrors() {
        List<String> errors = jellyErrors.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
                + (r.getThrown() == null ? "" : " " + r.getThrown())).toList();
        assertThat(errors).as("Jelly errors in the log").isEmpty();
    }

    private static String resource(String path) {
        try (InputStream in = PluginPagesTest.class.getResourceAsStream(RESOURCES + path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fields a Jelly form declares ({@code field="..."}); a builder's {@code step} holds the step's form. */
    private static Set<String> fields(String jelly) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = FIELD.matcher(resource(jelly));
        while (m.find()) {
            out.add(m.group(1));
        }
        out.remove("step");
        out.remove("templates"); // a repeatable block of the template's own fields, checked on their own
        out.remove("nodeProperties"); // a list of describables, not one input
        return out;
    }

    /** The texts of a view's {@code .properties} file: each must reach the page whole. */
    private static List<String> texts(String properties) {
        Properties p = new Properties();
        try (InputStream in = PluginPagesTest.class.getResourceAsStream(RESOURCES + properties)) {
            assertThat(in).as(properties).isNotNull();
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            out.add(p.getProperty(key).replace("''", "'"));
        }
        return out;
    }

    private static HtmlPage open(JenkinsRule.WebClient wc, String url) throws Exception {
        Page page = wc.goTo(url, null);
        assertThat(page.getWebResponse().getStatusCode()).as("HTTP status of " + url).isEqualTo(200);
        assertThat(page).as(url + " is an HTML page").isInstanceOf(HtmlPage.class);
        return (HtmlPage) page;
    }

    private static void assertForm(String html, String url, String jelly) {
        for (String field : fields(jelly)) {
            assertThat(html).as(url + " has the field '" + field + "' of " + jelly)
                    .contains("name=\"_." + field + "\"");
        }
    }

    private static void assertTexts(String html, String url, String properties) {
        for (String text : texts(properties)) {
            assertThat(html.contains(text) || html.contains(Util.escape(text)))
                    .as(url + " shows the whole text '" + text + "' of " + properties).isTrue();
        }
    }

    private SpotCloud cloud(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", "AKIAPLUGINPAGESTEST", "plugin-pages-secret", "test"));
        SystemCredentialsProvider.getInstance().save();
        AwsDeliveryStagesConfiguration.get().setEndpointOverride(ec2.server().endpoint().toString());
        SpotAgentTemplate t = new SpotAgentTemplate("default");
        t.setLaunchTemplate("lt-0123456789abcdef0");
        t.setInstanceTypes("m5.large c5.large");
        t.setLabelString("spot");
        SpotCloud c = new SpotCloud("linux-spot");
        c.setRegion(FakeEc2.REGION);
        c.setCredentialsId("aws");
        c.setSubnetIds("subnet-0aaaaaaaaaaaaaaa1");
        c.setTemplates(java.util.List.of(t));
        j.jenkins.clouds.add(c);
        j.jenkins.save();
        return c;
    }

    @Test
    void globalConfigurationShowsEveryFieldWithoutJellyErrors(JenkinsRule j) throws Exception {
        String jelly = "config/AwsDeliveryStagesConfiguration/config.jelly";
        String html = open(j.createWebClient(), "manage/configure").getWebResponse().getContentAsString();

        assertForm(html, "manage/configure", jelly);
        assertTexts(html, "manage/configure", "config/AwsDeliveryStagesConfiguration/config.properties");
        assertNoJellyErrors();
    }

    @Test
    void spotCloudPageAndItsConfigurePageRenderEveryFieldAndText(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j);
        c.getRuntime().stepNow(); // builds the engine, so that the page shows its metrics table too
        JenkinsRule.WebClient wc = j.createWebClient();

        String status = open(wc, "manage/cloud/linux-spot/").getWebResponse().getContentAsString();
        assertTexts(status, "manage/cloud/linux-spot/", "spot/SpotCloud/main.properties");
        assertThat(status).as("the bootstrap script for a launch template of one's own").contains("#!/bin/bash");

        String configure = open(wc, "manage/cloud/linux-spot/configure").getWebResponse().getContentAsString();
        assertForm(configure, "manage/cloud/linux-spot/configure", "spot/SpotCloud/config.jelly");
        assertTexts(configure, "manage/cloud/linux-spot/configure", "spot/SpotCloud/config.properties");
        assertForm(configure, "manage/cloud/linux-spot/configure", "spot/SpotAgentTemplate/config.jelly");
        assertTexts(configure, "manage/cloud/linux-spot/configure", "spot/SpotAgentTemplate/config.properties");
        assertThat(status).as("agents listed per template").contains("Agents by template").contains(">default<");
        assertNoJellyErrors();
    }

    @Test
    void spotAgentPagesShowTheInstanceAndSavingKeepsTheAgent(JenkinsRule j) throws Exception {
        SpotCloud c = cloud(j);
        c.getTemplates().get(0).setMinAgents(1);
        SpotAgent agent = null;
        for (int i = 0; i < 300 && agent == null; i++) {
            c.getRuntime().stepNow();
            agent = j.jenkins.getNodes().stream().filter(SpotAgent.class::isInstance).map(SpotAgent.class::cast)
                    .findFirst().orElse(null);
            if (agent == null) {
                Thread.sleep(100);
            }
        }
        assertThat(agent).as("the cloud launched its minimum agent").isNotNull();
        JenkinsRule.WebClient wc = j.createWebClient();
        String url = "computer/" + agent.getNodeName() + "/";

        open(wc, url);
        HtmlPage configure = open(wc, url + "configure");
        String html = configure.getWebResponse().getContentAsString();
        assertThat(html).contains(agent.getInstanceId(), "linux-spot");
        assertTexts(html, url + "configure", "spot/SpotAgent/configure-entries.properties");
        assertNoJellyErrors();

        j.submit(configure.getFormByName("config"));
        assertThat(j.jenkins.getNode(agent.getNodeName())).as("saving the configure page keeps the agent")
                .isSameAs(agent);
        assertNoJellyErrors();
    }

    @Test
    void freestyleJobWithEveryBuilderRendersEachStepFormAndSavesItUnchanged(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("every-builder");
        AwsHealthGateStep health = new AwsHealthGateStep();
        health.setServices(List.of("ECS", "EC2"));
        health.setEntityArns(List.of("arn:aws:ecs:eu-west-1:123456789012:service/prod/web"));
        TrivyScanToSecurityHubStep trivy = new TrivyScanToSecurityHubStep();
        trivy.setReportFile("trivy.json");
        trivy.setFailOn(List.of("CRITICAL"));
        EcsForceDeployStep ecs = new EcsForceDeployStep("prod", "web");
        ecs.setImage("web=registry.example.com/web:2");
        PxSnapshotStep px = new PxSnapshotStep("prod");
        px.setPvcSelector("app=mongo");
        px.setCaCertificate("-----BEGIN CERTIFICATE-----");
        List<Builder> builders = List.of(new AwsHealthGateBuilder(health), new TrivyScanToSecurityHubBuilder(trivy),
                new EcsForceDeployBuilder(ecs), new PxSnapshotBuilder(px));
        p.getBuildersList().addAll(builders);

        String url = p.getUrl() + "configure";
        String html = open(j.createWebClient(), url).getWebResponse().getContentAsString();
        for (String stage : List.of("health/AwsHealthGateStep", "trivy/TrivyScanToSecurityHubStep",
                "ecs/EcsForceDeployStep", "portworx/PxSnapshotStep")) {
            assertForm(html, url, stage + "/config.jelly");
            assertTexts(html, url, stage + "/config.properties");
        }
        assertNoJellyErrors();

        j.configRoundtrip(p);
        assertThat(p.getBuildersList()).hasSize(4);
        for (Builder before : builders) {
            j.assertEqualDataBoundBeans(before, p.getBuildersList().get(before.getClass()));
        }
        assertNoJellyErrors();
    }

    @Test
    void snippetGeneratorRendersTheFormOfEachStep(JenkinsRule j) throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient();
        HtmlPage page = open(wc, "pipeline-syntax/");
        HtmlSelect steps = page.getFirstByXPath("//select[contains(@class, 'dropdownList')]");
        assertThat(steps).as("the Sample Step list").isNotNull();
        for (String[] step : new String[][] {{"awsHealthGate", "health/AwsHealthGateStep"},
                {"trivyScanToSecurityHub", "trivy/TrivyScanToSecurityHubStep"},
                {"ecsForceDeploy", "ecs/EcsForceDeployStep"}, {"pxSnapshot", "portworx/PxSnapshotStep"}}) {
            HtmlOption option = steps.getOptions().stream()
                    .filter(o -> o.getText().startsWith(step[0] + ": ")).findFirst().orElse(null);
            assertThat(option).as("the Snippet Generator offers " + step[0]).isNotNull();
            steps.setSelectedAttribute(option, true);
            wc.waitForBackgroundJavaScript(10_000);
            String html = page.asXml();
            assertForm(html, "pipeline-syntax/ (" + step[0] + ")", step[1] + "/config.jelly");
        }
        assertNoJellyErrors();
    }

    @Test
    void eachStageHasOnePipelineNameAndTheBuildersAreNotSteps(JenkinsRule j) throws Exception {
        List<String> functions = StepDescriptor.all().stream().map(StepDescriptor::getFunctionName).toList();
        assertThat(functions).contains("awsHealthGate", "trivyScanToSecurityHub", "ecsForceDeploy", "pxSnapshot");
        assertThat(functions).noneMatch(f -> f.endsWith("Builder"));

        List<Class<?>> builderClasses = List.of(AwsHealthGateBuilder.class, TrivyScanToSecurityHubBuilder.class,
                EcsForceDeployBuilder.class, PxSnapshotBuilder.class);
        // What the 'step' meta-step (and so the Snippet Generator) offers beside the real steps.
        HeterogeneousObjectType delegates = (HeterogeneousObjectType) DescribableModel.of(CoreStep.class)
                .getParameter("delegate").getType();
        List<Class<?>> offered = delegates.getTypes().values().stream().<Class<?>>map(m -> m.getType()).toList();
        assertThat(offered).doesNotContainAnyElementsOf(builderClasses);

        Snippetizer snippetizer = new Snippetizer();
        String quasi = snippetizer.getQuasiDescriptors(false) + " " + snippetizer.getQuasiDescriptors(true);
        assertThat(quasi).contains("awsHealthGate=AwsHealthGateStep", "ecsForceDeploy=EcsForceDeployStep",
                "pxSnapshot=PxSnapshotStep", "trivyScanToSecurityHub=TrivyScanToSecurityHubStep");
        for (Class<?> c : builderClasses) {
            assertThat(quasi).as("the Snippet Generator offers " + c.getSimpleName())
                    .doesNotContain(c.getSimpleName());
        }

        // The freestyle build steps stay in the freestyle 'Add build step' list.
        List<Class<?>> freestyle = Builder.all().stream().<Class<?>>map(d -> d.clazz).toList();
        assertThat(freestyle).containsAll(builderClasses);
    }
}
