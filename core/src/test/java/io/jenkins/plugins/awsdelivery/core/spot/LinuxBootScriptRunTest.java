package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Linux boot script with bash and curl against a local controller and IMDS that answer as the real ones
 * do (IMDS's address and the root-only secret path are the only things changed), and a {@code java} on the PATH
 * that records how it was started: what an instance does at boot, step by step.
 */
class LinuxBootScriptRunTest {

    private static final String INSTANCE = "i-0123456789abcdef0";
    private static final String SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    @TempDir
    Path dir;
    private HttpServer server;
    private final Deque<Integer> secretAnswers = new ConcurrentLinkedDeque<>();
    private final List<Map<String, String>> secretForms = Collections.synchronizedList(new ArrayList<>());
    /** The answers to agent.jar requests, in turn; 200 once they run out. */
    private final Deque<Integer> jarAnswers = new ConcurrentLinkedDeque<>();
    private final List<Long> jarRequests = Collections.synchronizedList(new ArrayList<>());
    private volatile long jarAnsweredAt;
    private volatile long firstSecretAskedAt;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.createContext("/imds/latest/api/token", x -> answer(x,
                x.getRequestMethod().equals("PUT") && x.getRequestHeaders().containsKey("X-aws-ec2-metadata-token-ttl-"
                        + "seconds") ? 200 : 403, "imds-token"));
        server.createContext("/imds/latest/meta-data/instance-id", x -> imds(x, INSTANCE));
        server.createContext("/imds/latest/dynamic/instance-identity/document", x -> imds(x,
                "{\"instanceId\" : \"" + INSTANCE + "\", \"region\" : \"eu-west-1\"}"));
        server.createContext("/imds/latest/dynamic/instance-identity/pkcs7",
                x -> imds(x, "MIAGCSqGSIb3DQEHAqCAMIACAQEx"));
        server.createContext("/imds/latest/dynamic/instance-identity/rsa2048", x -> answer(x, 404, "Not Found"));
        server.createContext("/jenkins/jnlpJars/agent.jar", x -> {
            jarRequests.add(System.nanoTime());
            // A slow download: the script asks for its secret meanwhile.
            sleep(1500);
            jarAnsweredAt = System.nanoTime();
            Integer status = jarAnswers.poll();
            answer(x, status == null ? 200 : status, "PK-agent-jar");
        });
        server.createContext("/jenkins/aws-spot-agent/secret", x -> {
            if (firstSecretAskedAt == 0) {
                firstSecretAskedAt = System.nanoTime();
            }
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                String[] kv = pair.split("=", 2);
                form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            secretForms.add(form);
            Integer status = secretAnswers.poll();
            answer(x, status == null ? 200 : status, status == null ? SECRET : status == 403 ? "Refused.\n"
                    : "retry\n");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void imds(HttpExchange x, String body) throws IOException {
        answer(x, "imds-token".equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")) ? 200 : 401, body);
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private record Run(int exit, String stderr, Path javaArgs, Path secretFile, Path agentDir) {
    }

    private Run boot() throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        Path agentDir = dir.resolve("agent dir");
        Path secretFile = dir.resolve("secret");
        String script = AgentUserData.render(base + "jenkins/", "linux-spot", agentDir.toString(), "-Xmx1g",
                        "echo init-script-ran > \"" + dir.resolve("init") + "\"")
                .replace("http://169.254.169.254/latest/", base + "imds/latest/")
                .replace("SECRET_FILE=/root/.jenkins-agent-secret", "SECRET_FILE='" + secretFile + "'")
                // A freshly booted instance's uptime, not this machine's (which may be over the day BootReport
                // takes).
                .replace("/proc/uptime", "'" + Files.writeString(dir.resolve("uptime"), "23.87 40.12\n") + "'");
        Path scriptFile = Files.writeString(dir.resolve("user-data.sh"), script);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path javaArgs = dir.resolve("java-args");
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/bash\nprintf '%s\\n' \"$@\" > '" + javaArgs
                + "'\n");
        java.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", scriptFile.toString())
                .redirectError(dir.resolve("stderr").toFile()).redirectOutput(dir.resolve("stdout").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the boot script ends").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("stderr")), javaArgs, secretFile, agentDir);
    }

    @Test
    void retriesWhileTheNodeIsAddedAndWhenSlowedDownThenStartsTheAgentWithTheSecretInAFile() throws Exception {
        secretAnswers.add(503);
        secretAnswers.add(429);
        secretAnswers.add(503);

        Run run = boot();

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(secretForms).hasSize(4).allSatisfy(form -> {
            assertThat(form).containsEntry("cloud", "linux-spot").containsKeys("document", "pkcs7", "rsa2048");
            assertThat(form.get("document")).contains(INSTANCE);
            // The uptimes the controller splits the launch latency with, in the form BootReport reads.
            assertThat(BootReport.parse(form.get("uptimeAtStart"), form.get("uptimeAtRequest")))
                    .contains(new BootReport(23.87, 23.87));
        });
        // agent.jar was downloading while the secret was asked for, not after it.
        assertThat(firstSecretAskedAt).isPositive().isLessThan(jarAnsweredAt);
        assertThat(Files.readString(run.agentDir().resolve("agent.jar"))).isEqualTo("PK-agent-jar");
        assertThat(Files.readString(dir.resolve("init"))).isEqualTo("init-script-ran\n");
        assertThat(Files.readString(run.secretFile())).isEqualTo(SECRET);
        assertThat(Files.getPosixFilePermissions(run.secretFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"))
                .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        List<String> args = Files.readAllLines(run.javaArgs());
        assertThat(args).containsExactly("-Xmx1g", "-jar", "agent.jar", "-url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/jenkins/", "-name", INSTANCE, "-secret",
                "@" + run.secretFile(), "-webSocket", "-workDir", run.agentDir().toString());
        assertThat(String.join(" ", args)).doesNotContain(SECRET);
    }

    @Test
    void aRefusalStopsTheBootWithoutStartingTheAgent() throws Exception {
        secretAnswers.add(403);

        Run run = boot();

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("The controller refused the agent secret of " + INSTANCE);
        assertThat(secretForms).hasSize(1);
        assertThat(run.secretFile()).doesNotExist();
        assertThat(run.javaArgs()).doesNotExist();
    }

    @Test
    void aFailedAgentJarDownloadIsTriedOnceMoreAfterTheSecretThenStopsTheBoot() throws Exception {
        // The controller answers 404 while it restarts: the secret is spent by then, so the script tries again.
        jarAnswers.add(404);

        Run recovered = boot();

        assertThat(recovered.exit()).as(recovered.stderr()).isZero();
        assertThat(jarRequests).hasSize(2);
        assertThat(Files.readString(recovered.agentDir().resolve("agent.jar"))).isEqualTo("PK-agent-jar");
        assertThat(recovered.javaArgs()).exists();

        Files.delete(recovered.javaArgs());
        jarRequests.clear();
        jarAnswers.add(404);
        jarAnswers.add(404);
        Run failed = boot();

        assertThat(failed.exit()).isNotZero();
        assertThat(jarRequests).hasSize(2);
        assertThat(failed.javaArgs()).doesNotExist();
    }
}
