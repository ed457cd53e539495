package io.jenkins.plugins.awsdelivery.trivy;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.jenkins.plugins.awscredentials.AWSCredentialsImpl;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.Result;
import io.jenkins.plugins.awsdelivery.config.AwsDeliveryStagesConfiguration;
import io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.time.Clock;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class TrivyScanToSecurityHubStepTest {

    private static final String SECRET = "trivy-step-secret-key";
    private FakeSecurityHub hub;
    private JenkinsRule j;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        hub = new FakeSecurityHub(Clock.systemUTC()::instant);
        SystemCredentialsProvider.getInstance().getCredentials().add(new AWSCredentialsImpl(CredentialsScope.GLOBAL,
                "aws", "AKIATRIVYSTEPTEST", SECRET, "test"));
        SystemCredentialsProvider.getInstance().save();
        AwsDeliveryStagesConfiguration global = AwsDeliveryStagesConfiguration.get();
        global.setDefaultRegion("eu-west-1");
        global.setDefaultCredentialsId("aws");
        global.setEndpointOverride(hub.server().endpoint().toString());
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private WorkflowRun run(Result expected, String report, String step) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class);
        p.setDefinition(new CpsFlowDefinition("node {\n  writeFile file: 'trivy.json', text: '''" + report + "'''\n"
                + step + "\n}", true));
        return j.buildAndAssertStatus(expected, p);
    }

    @Test
    void importsAndReturnsCountsWhenTheGatePasses() throws Exception {
        String report = TrivyReports.image("registry.example.com/web:1").vulnerability("a.jar", "CVE-1", "a", "HIGH",
                "2", null).vulnerability("b.jar", "CVE-2", "b", "LOW", null, null).json();

        WorkflowRun b = run(Result.SUCCESS, report, "def r = trivyScanToSecurityHub reportFile: 'trivy.json', "
                + "accountId: '123456789012'\necho \"imported=${r.imported} gate=${r.gate} high=${r.counts.HIGH}\"");

        j.assertLogContains("imported=2 gate=PASSED high=1", b);
        j.assertLogNotContains(SECRET, b);
        assertThat(hub.findings()).hasSize(2);
    }

    @Test
    void criticalFindingFailsTheStepUnlessMarkUnstable() throws Exception {
        String report = TrivyReports.image("registry.example.com/web:1").vulnerability("a.jar", "CVE-9", "a",
                "CRITICAL", "2", null).json();

        WorkflowRun failed = run(Result.FAILURE, report, "trivyScanToSecurityHub reportFile: 'trivy.json', "
                + "accountId: '123456789012'");
        WorkflowRun unstable = run(Result.UNSTABLE, report, "def r = trivyScanToSecurityHub reportFile: 'trivy.json',"
                + " accountId: '123456789012', markUnstable: true\necho \"gating=${r.gatingIssues}\"");

        j.assertLogContains("Trivy gate failed: 1 issue(s) of severity [CRITICAL]: CVE-9", failed);
        j.assertLogContains("gating=[CVE-9]", unstable);
    }

    @Test
    void theNextBuildArchivesFromWhatThePreviousBuildKeptWithoutReadingSecurityHubBack() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class);
        String v1 = TrivyReports.image("registry.example.com/web:1").vulnerabilities("os", 3).json();
        String v2 = TrivyReports.image("registry.example.com/web:2").vulnerabilities("os", 2).json();
        String step = "def r = trivyScanToSecurityHub reportFile: 'trivy.json', accountId: '123456789012'\n"
                + "echo \"archived=${r.archived} from=${r.earlierState}\"";
        p.setDefinition(new CpsFlowDefinition("node {\n  writeFile file: 'trivy.json', text:  + v1 + \n"
                + step + "\n}", true));
        WorkflowRun first = j.buildAndAssertSuccess(p);
        p.setDefinition(new CpsFlowDefinition("node {\n  writeFile file: 'trivy.json', text:  + v2 + \n"
                + step + "\n}", true));
        long reads = hub.server().count("GetFindings");

        WorkflowRun second = j.buildAndAssertSuccess(p);

        assertThat(first.getAction(TrivyImportStateAction.class).getFindings()).isEqualTo(3);
        j.assertLogContains("archived=1 from=" + first.getFullDisplayName(), second);
        assertThat(hub.server().count("GetFindings")).isEqualTo(reads);
    }

    @Test
    void dryRunWritesTheAsffFileIntoTheWorkspace() throws Exception {
        String report = TrivyReports.image("registry.example.com/web:1").vulnerabilities("os", 3).json();

        WorkflowRun b = run(Result.SUCCESS, report, "trivyScanToSecurityHub reportFile: 'trivy.json', dryRun: true, "
                + "asffFile: 'out/asff.json', failOn: ['CRITICAL'], ignoreUnfixed: true\n"
                + "echo readFile('out/asff.json').contains('2018-10-08') ? 'ASFF written' : 'missing'");

        j.assertLogContains("ASFF written", b);
        assertThat(hub.server().requests()).isEmpty();
    }
}
