package io.jenkins.plugins.awsdelivery.core.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeError;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

class AwsErrorsTest {

    private FakeAwsServer ecs;

    @BeforeEach
    void start() {
        ecs = new FakeAwsServer(FakeAwsServer.Protocol.JSON_1_1, "ecs");
        ecs.on("DescribeClusters", r -> FakeAwsServer.FakeResponse.json("{\"clusters\":[],\"failures\":[]}"));
    }

    @AfterEach
    void stop() {
        ecs.close();
    }

    private StageException describeClustersFails(AwsSettings settings) {
        try (AwsClientFactory factory = new AwsClientFactory(settings)) {
            return catchThrowableOfType(StageException.class, () -> factory.call("ecs:DescribeClusters",
                    () -> factory.client(EcsClient::builder).describeClusters(b -> b.clusters("prod"))));
        }
    }

    @Test
    void accessDeniedNamesTheRefusedActionFromAwsMessage() {
        ecs.failNext("DescribeClusters", 1, FakeError.accessDenied("ecs:DescribeClusters"));

        StageException e = describeClustersFails(ecs.settings("eu-west-1"));

        assertThat(e.kind()).isEqualTo(StageException.Kind.AWS);
        assertThat(e.getMessage()).startsWith("AWS denied ecs:DescribeClusters (AccessDeniedException)");
        assertThat(e.hint()).contains("Allow ecs:DescribeClusters in the IAM policy").contains("eu-west-1");
        assertThat(e.describe()).doesNotContain(FakeAwsServer.SECRET_KEY);
    }

    @Test
    void accessDeniedWithoutActionInMessageNamesTheCallersAction() {
        ecs.failNext("DescribeClusters", 1, new FakeError(403, "UnauthorizedOperation",
                "You are not authorized to perform this operation."));

        StageException e = describeClustersFails(ecs.settings("eu-west-1"));

        assertThat(e.getMessage()).startsWith("AWS denied ecs:DescribeClusters (UnauthorizedOperation)");
    }

    @Test
    void expiredTokenSaysSoAndSuggestsRenewingCredentials() {
        ecs.failNext("DescribeClusters", 1, new FakeError(400, "ExpiredTokenException",
                "The security token included in the request is expired"));

        StageException e = describeClustersFails(ecs.settings("eu-west-1"));

        assertThat(e.getMessage()).contains("have expired").contains("ExpiredTokenException");
        assertThat(e.hint()).contains("role to assume");
    }

    @Test
    void invalidKeysAreNotConfusedWithAccessDenied() {
        ecs.failNext("DescribeClusters", 1, new FakeError(400, "UnrecognizedClientException",
                "The security token included in the request is invalid."));

        StageException e = describeClustersFails(ecs.settings("eu-west-1"));

        assertThat(e.getMessage()).startsWith("AWS did not accept the credentials");
        assertThat(e.hint()).contains("****FAKE");
    }

    @Test
    void throttlingThatOutlastsRetriesIsReportedAsThrottling() {
        ecs.failNext("DescribeClusters", 10, FakeError.throttling("ThrottlingException"));

        StageException e = describeClustersFails(ecs.settings("eu-west-1"));

        assertThat(e.getMessage()).contains("AWS throttled ecs:DescribeClusters");
        assertThat(ecs.count("DescribeClusters")).as("the SDK retried within its attempt budget").isEqualTo(3);
    }

    @Test
    void unreachableEndpointNamesTheEndpoint() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        AwsSettings settings = AwsSettings.resolve(List.of(ecs.layer("eu-west-1").withEndpoint(endpoint)
                .withRetries(null, 1)), null);

        StageException e = describeClustersFails(settings);

        assertThat(e.getMessage()).isEqualTo("Could not reach " + endpoint
                + " for ecs:DescribeClusters: the connection was refused or failed.");
        assertThat(e.hint()).contains("endpoint override");
    }

    @Test
    void unknownRegionIsToldApartFromAnUnreachableEndpoint() {
        // The SDK's failure for a region whose endpoint host does not resolve; built here so that the test makes
        // no DNS query.
        var failure = software.amazon.awssdk.core.exception.SdkClientException.builder()
                .message("Unable to execute HTTP request: ecs.xx-nowhere-9.amazonaws.com")
                .cause(new java.net.UnknownHostException("ecs.xx-nowhere-9.amazonaws.com")).build();
        AwsSettings unknown = AwsSettings.of(AwsSettings.Layer.EMPTY.withRegion("xx-nowhere-9"));
        AwsSettings known = AwsSettings.of(AwsSettings.Layer.EMPTY.withRegion("eu-west-1"));

        assertThat(AwsErrors.translate(failure, "ecs:DescribeClusters", unknown).getMessage())
                .isEqualTo("AWS region 'xx-nowhere-9' is unknown: its endpoint for ecs:DescribeClusters does not "
                        + "resolve.");
        assertThat(AwsErrors.translate(failure, "ecs:DescribeClusters", known).getMessage())
                .isEqualTo("Could not reach the ecs endpoint in eu-west-1 for ecs:DescribeClusters: its host name "
                        + "does not resolve.");
    }

    @Test
    void requestsAreSignedForTheServiceAndRegion() {
        ecs.expectRegion("eu-west-1");

        try (AwsClientFactory factory = new AwsClientFactory(ecs.settings("eu-west-1"))) {
            factory.client(EcsClient::builder).describeClusters(b -> b.clusters("prod"));
        }
        StageException wrongRegion = describeClustersFails(ecs.settings("eu-central-1"));

        assertThat(ecs.requests("DescribeClusters").get(0).signedService()).isEqualTo("ecs");
        assertThat(wrongRegion.getMessage()).contains("InvalidSignatureException");
    }
}
