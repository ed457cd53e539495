package io.jenkins.plugins.awsdelivery.core.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer;
import io.jenkins.plugins.awsdelivery.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

class AwsClientFactoryTest {

    @RegisterExtension
    static final MotoServer moto = new MotoServer();

    private static final String ROLE = "arn:aws:iam::123456789012:role/deployer";

    @Test
    void assumesTheRoleThroughStsWithExternalIdAndDuration() {
        AwsSettings settings = AwsSettings.resolve(List.of(moto.layer("eu-west-1")
                .withRole(ROLE, "ext-id-7").withSession("build-42", Duration.ofSeconds(1800))), null);

        try (AwsClientFactory factory = new AwsClientFactory(settings)) {
            Instant before = Instant.now();
            var credentials = factory.credentialsProvider().resolveCredentials();
            GetCallerIdentityResponse identity = factory.client(StsClient::builder).getCallerIdentity();

            assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
            assertThat(credentials.accessKeyId()).isNotEqualTo(MotoServer.ACCESS_KEY);
            assertThat(((AwsSessionCredentials) credentials).expirationTime()).hasValueSatisfying(exp ->
                    assertThat(Duration.between(before, exp).toSeconds()).isBetween(1700L, 1810L));
            assertThat(identity.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/deployer/build-42");
            assertThat(factory.calls().calls()).containsEntry("Sts.AssumeRole", 1L)
                    .containsEntry("Sts.GetCallerIdentity", 1L);
        }
    }

    @Test
    void sendsExternalIdDurationAndSessionNameAsConfigured() {
        try (FakeAwsServer sts = new FakeAwsServer(FakeAwsServer.Protocol.AWS_QUERY, "sts")) {
            sts.on("AssumeRole", r -> FakeAwsServer.FakeResponse.xml(assumeRoleXml()));
            sts.on("GetCallerIdentity", r -> FakeAwsServer.FakeResponse.xml(
                    "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/"
                            + "deployer/s</Arn><UserId>AROA:s</UserId><Account>123456789012</Account>"
                            + "</GetCallerIdentityResult></GetCallerIdentityResponse>"));
            AwsSettings settings = AwsSettings.resolve(List.of(sts.layer("us-west-2")
                    .withRole(ROLE, "ext-id-7").withSession("job-9", Duration.ofSeconds(900))), null);

            try (AwsClientFactory factory = new AwsClientFactory(settings)) {
                factory.client(StsClient::builder).getCallerIdentity();
            }

            var assume = sts.requests("AssumeRole").get(0);
            assertThat(assume.form()).containsEntry("ExternalId", "ext-id-7").containsEntry("DurationSeconds", "900")
                    .containsEntry("RoleSessionName", "job-9").containsEntry("RoleArn", ROLE);
            assertThat(assume.signedRegion()).isEqualTo("us-west-2");
            var call = sts.requests("GetCallerIdentity").get(0);
            assertThat(call.header("Authorization")).as("signed with the assumed credentials")
                    .contains("Credential=ASIAASSUMED");
            assertThat(call.header("User-Agent")).contains("aws-delivery-stages/");
        }
    }

    @Test
    void webIdentityTokenIsExchangedForRoleCredentials(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln");
        AwsSettings settings = AwsSettings.resolve(List.of(AwsSettings.Layer.EMPTY.withRegion("eu-west-1")
                .withEndpoint(moto.endpoint())
                .withCredentials(new CredentialsSource.WebIdentity(ROLE, token, "oidc-build"))), null);

        try (AwsClientFactory factory = new AwsClientFactory(settings)) {
            String arn = factory.client(StsClient::builder).getCallerIdentity().arn();

            assertThat(arn).isEqualTo("arn:aws:sts::123456789012:assumed-role/deployer/oidc-build");
            assertThat(factory.calls().calls()).containsKey("Sts.AssumeRoleWithWebIdentity");
        }
    }

    @Test
    void clientsAreReusedPerServiceAndRegionAndClosedWithTheFactory() {
        AwsClientFactory factory = new AwsClientFactory(moto.settings("eu-west-1"));
        EcsClient a = factory.client(EcsClient::builder);
        EcsClient b = factory.client(EcsClient::builder);
        EcsClient other = factory.client(EcsClient::builder, "eu-central-1");

        assertThat(a).isSameAs(b).isNotSameAs(other);
        factory.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> factory.client(EcsClient::builder))
                .isInstanceOf(IllegalStateException.class);
    }

    private static String assumeRoleXml() {
        return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId>"
                + "<SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken>"
                + "<Expiration>" + Instant.now().plusSeconds(900) + "</Expiration></Credentials>"
                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deployer/job-9</Arn>"
                + "<AssumedRoleId>AROA:job-9</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
    }

    @Test
    void aRefreshingProviderIsAskedForEveryRequestSoRenewedKeysAreUsed() {
        String[] key = {"AKIDFIRSTKEY0000001"};
        software.amazon.awssdk.auth.credentials.AwsCredentialsProvider provider = () ->
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(key[0], "secret");
        try (FakeAwsServer sts = new FakeAwsServer(FakeAwsServer.Protocol.AWS_QUERY, "sts")) {
            sts.on("GetCallerIdentity", r -> FakeAwsServer.FakeResponse.xml(
                    "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>"
                            + "<Arn>arn:aws:iam::123456789012:user/jenkins</Arn><UserId>AIDA</UserId>"
                            + "</GetCallerIdentityResult></GetCallerIdentityResponse>"));
            AwsSettings settings = AwsSettings.resolve(java.util.List.of(sts.layer("eu-west-1")
                    .withCredentials(new CredentialsSource.Provider(provider, "Jenkins credentials 'aws'"))), null);
            try (AwsClientFactory aws = new AwsClientFactory(settings)) {
                software.amazon.awssdk.services.sts.StsClient client =
                        aws.client(software.amazon.awssdk.services.sts.StsClient::builder);
                client.getCallerIdentity();
                key[0] = "AKIDSECONDKEY000002";
                client.getCallerIdentity();
            }
            assertThat(sts.requests("GetCallerIdentity")).extracting(r -> r.header("Authorization"))
                    .satisfiesExactly(a -> assertThat(a).contains("Credential=AKIDFIRSTKEY0000001/"),
                            a -> assertThat(a).contains("Credential=AKIDSECONDKEY000002/"));
            assertThat(settings.credentials().describe()).isEqualTo("Jenkins credentials 'aws'");
        }
    }
}
