package io.jenkins.plugins.awsdelivery.portworx;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.util.Secret;
import io.jenkins.plugins.awsdelivery.testing.FakePxCluster;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

class PxSnapshotStepTest {

    private static final String TOKEN = "px-step-service-account-token";
    private static FakePxCluster cluster;
    private static ScheduledExecutorService controllers;

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @BeforeAll
    static void startCluster() {
        cluster = new FakePxCluster().withStork().snapshotsReadyAfter(2);
        cluster.portworxClaim("prod", "mongo-data", Map.of("app", "mongo"));
        controllers = Executors.newSingleThreadScheduledExecutor();
        controllers.scheduleWithFixedDelay(cluster::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopCluster() {
        controllers.shutdownNow();
        cluster.close();
    }

    private static void configure(JenkinsRule j) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(
                CredentialsScope.GLOBAL, "k8s", "staging deployer token", Secret.fromString(TOKEN)));
        SystemCredentialsProvider.getInstance().save();
    }

    private static String connection() {
        return "credentialsId: 'k8s', serverUrl: '" + cluster.url() + "'";
    }

    @Test
    void snapshotRestoredIntoStagingReturnsItsResultAndNeverLogsTheToken() throws Throwable {
        sessions.then(j -> {
            configure(j);
            WorkflowJob p = j.createProject(WorkflowJob.class, "mongo-staging");
            p.setDefinition(new CpsFlowDefinition("def r = pxSnapshot namespace: 'prod', pvc: 'mongo-data', "
                    + "restoreTo: 'staging', " + connection() + "\n"
                    + "echo \"status=${r.status} method=${r.method} claim=${r.restoredClaim}\"", true));
            WorkflowRun b = j.buildAndAssertSuccess(p);
            j.assertLogContains("status=COMPLETED method=stork claim=px-mongo-staging-b1-mongo-data", b);
            j.assertLogNotContains(TOKEN, b);
            assertThat(cluster.client().persistentVolumeClaims().inNamespace("staging")
                    .withName("px-mongo-staging-b1-mongo-data").get()).isNotNull();
        });
    }

    @Test
    void aMissingClaimFailsTheBuildWithTheMessage() throws Throwable {
        sessions.then(j -> {
            configure(j);
            WorkflowJob p = j.createProject(WorkflowJob.class, "typo");
            p.setDefinition(new CpsFlowDefinition("pxSnapshot namespace: 'prod', pvc: 'mongo-dta', " + connection(),
                    true));
            WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
            j.assertLogContains("PersistentVolumeClaim 'mongo-dta' not found in namespace 'prod'.", b);
        });
    }

    @Test
    void theWaitSurvivesARestart() throws Throwable {
        sessions.then(j -> {
            configure(j);
            cluster.noSnapshotController();
            WorkflowJob p = j.createProject(WorkflowJob.class, "long");
            p.setDefinition(new CpsFlowDefinition("def r = pxSnapshot namespace: 'prod', pvc: 'mongo-data', "
                    + "timeout: '10m', " + connection() + "\necho \"after restart: ${r.status} ${r.reused}\"", true));
            WorkflowRun b = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("Created VolumeSnapshot", b);
        });
        sessions.then(j -> {
            cluster.snapshotsReadyAfter(1);
            WorkflowRun b = j.jenkins.getItemByFullName("long", WorkflowJob.class).getBuildByNumber(1);
            j.waitForCompletion(b);
            j.assertBuildStatusSuccess(b);
            j.assertLogContains("Resuming the wait after a restart", b);
            j.assertLogContains("after restart: COMPLETED false", b);
        });
    }

    @Test
    void abortingWhileTheApplicationIsFrozenReturnsAtOnceAndTheUnfreezeStillRuns() throws Throwable {
        sessions.then(j -> {
            configure(j);
            cluster.noSnapshotController();
            cluster.appPod("prod", "mongo-0", "mongo-data").runsCommands("prod", "mongo-0", "mongo", "freeze-app",
                    "unfreeze-app");
            try {
                WorkflowJob p = j.createProject(WorkflowJob.class, "frozen");
                p.setDefinition(new CpsFlowDefinition("pxSnapshot namespace: 'prod', pvc: 'mongo-data', "
                        + "freezeCommand: 'freeze-app', unfreezeCommand: 'unfreeze-app', freezePod: 'mongo-0', "
                        + "timeout: '10m', " + connection(), true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                j.waitForMessage("the application stays frozen until it is taken", b);
                assertThat(cluster.commandsRun()).containsExactly("mongo-0: freeze-app");

                long stoppedAt = System.nanoTime();
                b.doStop();
                b.doStop();
                while (b.isBuilding() && System.nanoTime() - stoppedAt < TimeUnit.SECONDS.toNanos(30)) {
                    Thread.sleep(10);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).as("the abort returned control at once")
                        .isLessThan(Duration.ofSeconds(1));
                j.assertBuildStatus(Result.ABORTED, b);

                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!cluster.commandsRun().contains("mongo-0: unfreeze-app") && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(cluster.commandsRun()).as("unfrozen once, on the plugin's worker, though aborted twice")
                        .containsExactly("mongo-0: freeze-app", "mongo-0: unfreeze-app");
            } finally {
                cluster.snapshotsReadyAfter(2);
            }
        });
    }

    @Test
    void freestyleBuildStepAndConfigurationRoundTrip() throws Throwable {
        sessions.then(j -> {
            configure(j);
            FreeStyleProject p = j.createFreeStyleProject("freestyle");
            PxSnapshotStep configured = new PxSnapshotStep("prod");
            configured.setPvc("mongo-data");
            configured.setCredentialsId("k8s");
            configured.setServerUrl(cluster.url());
            configured.setRetain(3);
            configured.setTimeout("5m");
            PxSnapshotBuilder builder = new PxSnapshotBuilder(configured);
            p.getBuildersList().add(builder);
            FreeStyleBuild b = j.buildAndAssertSuccess(p);
            j.assertLogContains("Snapshot px-freestyle-b1-mongo-data of claim prod/mongo-data is ready", b);

            j.configRoundtrip(p);
            PxSnapshotBuilder after = p.getBuildersList().get(PxSnapshotBuilder.class);
            j.assertEqualDataBoundBeans(builder, after);

            PxSnapshotStep step = new PxSnapshotStep("prod");
            step.setPvcSelector("app=mongo");
            step.setMethod("csi");
            step.setKeepOnFailure(true);
            new org.jenkinsci.plugins.workflow.cps.SnippetizerTester(j).assertRoundTrip(step,
                    "pxSnapshot keepOnFailure: true, method: 'csi', namespace: 'prod', pvcSelector: 'app=mongo'");
        });
    }
}
