package io.jenkins.plugins.awsdelivery.testing;

import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.aws.CredentialsSource;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts moto's server (the AWS emulator) on 127.0.0.1 at a free port for a test class, resets its state before
 * each test and stops it afterwards.
 *
 * <pre>{@code @RegisterExtension static final MotoServer moto = new MotoServer();}</pre>
 *
 * <p>moto must be installed (Python 3 with {@code moto[server]}); {@code MOTO_SERVER} may name the executable.
 * When it is missing the tests fail with that message: they never skip.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    /** moto's default account. */
    public static final String ACCOUNT_ID = "123456789012";
    public static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    public static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private URI endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Settings with moto's test keys and its endpoint, in {@code region}. */
    public AwsSettings settings(String region) {
        return AwsSettings.of(AwsSettings.Layer.EMPTY.withRegion(region)
                .withCredentials(new CredentialsSource.StaticKeys(ACCESS_KEY, SECRET_KEY))
                .withEndpoint(endpoint));
    }

    public AwsSettings.Layer layer(String region) {
        return AwsSettings.Layer.EMPTY.withRegion(region)
                .withCredentials(new CredentialsSource.StaticKeys(ACCESS_KEY, SECRET_KEY))
                .withEndpoint(endpoint);
    }

    public void reset() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("moto reset answered " + r.statusCode() + ": " + r.body());
        }
    }

    public synchronized void start(String name) throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(executable());
        command.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
        Path logDir = Path.of("target", "moto");
        Files.createDirectories(logDir);
        File log = logDir.resolve(name + ".log").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("MOTO_ALLOW_NONEXISTENT_REGION", "false");
        process = pb.start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited at start (code " + process.exitValue()
                        + "); see " + log.getAbsolutePath());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        stop();
        throw new IllegalStateException("moto_server did not answer on " + endpoint + " within " + START_TIMEOUT
                + "; see " + log.getAbsolutePath());
    }

    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private static List<String> executable() {
        String configured = System.getenv("MOTO_SERVER");
        if (configured != null && !configured.isBlank()) {
            return List.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "moto_server");
            if (f.canExecute()) {
                return List.of(f.getAbsolutePath());
            }
        }
        throw new IllegalStateException("moto_server was not found on the PATH. Install moto's server "
                + "(python3 -m pip install 'moto[server]') or set MOTO_SERVER to its path; these tests need it.");
    }
}
