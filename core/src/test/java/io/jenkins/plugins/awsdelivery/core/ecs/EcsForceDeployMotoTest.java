package io.jenkins.plugins.awsdelivery.core.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/** The API round trip against moto's ECS: describe, register the new revision, update the service. */
class EcsForceDeployMotoTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.0";

    @Test
    void registersARevisionWithTheNewImageAndPointsTheServiceAtIt() {
        try (AwsClientFactory aws = new AwsClientFactory(moto.settings("eu-west-1"))) {
            EcsClient ecs = aws.client(EcsClient::builder);
            ecs.createCluster(r -> r.clusterName("prod"));
            String td = ecs.registerTaskDefinition(r -> r.family("web").containerDefinitions(
                    ContainerDefinition.builder().name("web").image("nginx:1.27").memory(256).essential(true).build(),
                    ContainerDefinition.builder().name("log-router").image("fluent-bit:3").memory(64).build()))
                    .taskDefinition().taskDefinitionArn();
            ecs.createService(r -> r.cluster("prod").serviceName("web").taskDefinition(td).desiredCount(2));

            EcsForceDeploy stage = new EcsForceDeploy(EcsDeployRequest.forceNew("prod", "web")
                    .withImages(Map.of("web", IMAGE)), aws, Clock.systemUTC(), StageLog.silent());
            EcsDeployment started = stage.start();

            var revision = ecs.describeTaskDefinition(r -> r.taskDefinition(started.taskDefinitionArn()))
                    .taskDefinition();
            assertThat(revision.revision()).isEqualTo(2);
            assertThat(revision.containerDefinitions()).extracting(ContainerDefinition::image)
                    .containsExactly(IMAGE, "fluent-bit:3");
            var service = ecs.describeServices(r -> r.cluster("prod").services("web")).services().get(0);
            assertThat(service.taskDefinition()).isEqualTo(started.taskDefinitionArn());
            assertThat(started.deploymentId()).isNotBlank();
            assertThat(started.expectedImages()).containsEntry("web", IMAGE);
        }
    }
}
