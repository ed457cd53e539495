package io.jenkins.plugins.awsdelivery.core.aws;

import io.jenkins.plugins.awsdelivery.core.ProjectVersion;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;

/**
 * Builds and caches AWS SDK clients for one {@link AwsSettings}: one client per service and region, sharing one
 * HTTP client, one credentials provider (refreshing assumed roles itself) and one {@link ApiCallCounter}.
 * {@link #close()} closes everything it built.
 */
public final class AwsClientFactory implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    private final AwsSettings settings;
    private final ApiCallCounter counter;
    private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();
    private final List<AutoCloseable> owned = new ArrayList<>();
    private SdkHttpClient httpClient;
    private AwsCredentialsProvider credentialsProvider;
    private boolean closed;

    public AwsClientFactory(AwsSettings settings) {
        this(settings, new ApiCallCounter());
    }

    /** A factory whose calls are counted together with another's (clients of one stage in several regions). */
    public AwsClientFactory(AwsSettings settings, ApiCallCounter counter) {
        this.settings = settings;
        this.counter = counter;
    }

    public AwsSettings settings() {
        return settings;
    }

    public ApiCallCounter calls() {
        return counter;
    }

    /** A client in the settings' region, e.g. {@code factory.client(EcsClient::builder)}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            Supplier<B> builder) {
        return client(builder, settings.region());
    }

    /** A client in another region of the same partition (e.g. the AWS Health API's passive endpoint). */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            Supplier<B> builder, String region) {
        return client(builder, settings.inRegion(region));
    }

    /**
     * A client with its own region, endpoint, timeouts and retries, sharing this factory's credentials, HTTP client
     * and call counter (the AWS Health endpoints, which need short timeouts to fail over in time).
     */
    @SuppressWarnings("unchecked")
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            Supplier<B> builder, AwsSettings clientSettings) {
        B b = builder.get();
        String key = b.getClass().getName() + "@" + clientSettings.region() + "@"
                + clientSettings.endpointOverride().map(Object::toString).orElse("") + "@"
                + clientSettings.apiCallTimeout() + "/" + clientSettings.apiCallAttemptTimeout() + "/"
                + clientSettings.retryMode() + "/" + clientSettings.maxAttempts();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("AwsClientFactory is closed");
            }
            return (C) clients.computeIfAbsent(key, k -> configure(b, clientSettings).build());
        }
    }

    /** Runs one AWS call, turning SDK errors into a {@link StageException} that names {@code action}. */
    public <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, action, settings);
        }
    }

    /** The credentials provider every client uses: base credentials, with the role assumed on top if set. */
    public synchronized AwsCredentialsProvider credentialsProvider() {
        if (credentialsProvider == null) {
            AwsCredentialsProvider base = baseCredentials();
            credentialsProvider = settings.assumeRole().map(role -> assumeRole(base, role)).orElse(base);
        }
        return credentialsProvider;
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> B configure(
            B builder, AwsSettings clientSettings) {
        builder.region(Region.of(clientSettings.region()))
                .credentialsProvider(credentialsProvider())
                .httpClient(httpClient())
                .overrideConfiguration(overrides(clientSettings));
        clientSettings.endpointOverride().ifPresent(builder::endpointOverride);
        return builder;
    }

    private ClientOverrideConfiguration overrides(AwsSettings clientSettings) {
        RetryStrategy retry = switch (clientSettings.retryMode()) {
            case ADAPTIVE -> AwsRetryStrategy.adaptiveRetryStrategy().toBuilder()
                    .maxAttempts(clientSettings.maxAttempts()).build();
            case STANDARD -> AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(clientSettings.maxAttempts()).build();
        };
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retry)
                .apiCallTimeout(clientSettings.apiCallTimeout())
                .apiCallAttemptTimeout(clientSettings.apiCallAttemptTimeout())
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, ProjectVersion.userAgent())
                .addExecutionInterceptor(counter)
                .build();
    }

    private synchronized SdkHttpClient httpClient() {
        if (httpClient == null) {
            httpClient = ApacheHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(SOCKET_TIMEOUT)
                    .build();
            owned.add(httpClient);
        }
        return httpClient;
    }

    private AwsCredentialsProvider baseCredentials() {
        CredentialsSource source = settings.credentials();
        if (source instanceof CredentialsSource.StaticKeys keys) {
            return StaticCredentialsProvider.create(keys.sessionToken() == null
                    ? AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())
                    : AwsSessionCredentials.create(keys.accessKeyId(), keys.secretAccessKey(), keys.sessionToken()));
        }
        if (source instanceof CredentialsSource.Provider p) {
            return p.provider();
        }
        if (source instanceof CredentialsSource.NamedProfile profile) {
            return own(ProfileCredentialsProvider.builder().profileName(profile.profileName()).build());
        }
        if (source instanceof CredentialsSource.WebIdentity web) {
            StsClient sts = stsClient(AnonymousCredentialsProvider.create());
            return own(StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
                    .stsClient(sts)
                    .asyncCredentialUpdateEnabled(false)
                    .refreshRequest(() -> AssumeRoleWithWebIdentityRequest.builder()
                            .roleArn(web.roleArn())
                            .roleSessionName(web.sessionName() == null
                                    ? AssumeRole.DEFAULT_SESSION_NAME : web.sessionName())
                            .webIdentityToken(readToken(web))
                            .build())
                    .build());
        }
        return own(DefaultCredentialsProvider.builder().build());
    }

    private AwsCredentialsProvider assumeRole(AwsCredentialsProvider base, AssumeRole role) {
        StsClient sts = stsClient(base);
        AssumeRoleRequest request = AssumeRoleRequest.builder()
                .roleArn(role.roleArn())
                .externalId(role.externalId())
                .roleSessionName(role.sessionName())
                .durationSeconds((int) role.duration().toSeconds())
                .build();
        return own(StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(request)
                .asyncCredentialUpdateEnabled(false)
                .build());
    }

    private StsClient stsClient(AwsCredentialsProvider credentials) {
        var builder = StsClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .httpClient(httpClient())
                .overrideConfiguration(overrides(settings));
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        return own(builder.build());
    }

    private static String readToken(CredentialsSource.WebIdentity web) {
        try {
            return Files.readString(web.tokenFile(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the web identity token file " + web.tokenFile(), e);
        }
    }

    private synchronized <T> T own(T resource) {
        if (resource instanceof AutoCloseable c) {
            owned.add(c);
        }
        return resource;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(clients.values());
        clients.clear();
        // Providers and STS clients before the HTTP client they share.
        List<AutoCloseable> rest = new ArrayList<>(owned);
        java.util.Collections.reverse(rest);
        all.addAll(rest);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing is best effort; nothing useful can be done with a failure here.
            }
        }
    }
}
