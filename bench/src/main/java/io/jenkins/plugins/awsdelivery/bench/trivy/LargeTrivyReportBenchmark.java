package io.jenkins.plugins.awsdelivery.bench.trivy;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.aws.AwsClientFactory;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.trivy.ImportStateFile;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyRunner;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScan;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanRequest;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyScanResult;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer;
import io.jenkins.plugins.awsdelivery.testing.FakeSecurityHub;
import io.jenkins.plugins.awsdelivery.core.aws.CredentialsSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * Large reports end to end, one mode per JVM so that peak heap and peak RSS belong to that mode alone:
 * <pre>
 * java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.trivy.LargeTrivyReportBenchmark \
 *     generate /tmp/big.json 95000              # the 210 MB report
 * java -Xmx512m -cp … LargeTrivyReportBenchmark dry-run /tmp/big.json
 * java -cp … CountingSecurityHub 8555 &                                      # another process
 * java -Xmx512m -cp … LargeTrivyReportBenchmark import-endpoint /tmp/big.json http://127.0.0.1:8555
 * java -cp … LargeTrivyReportBenchmark generate /tmp/10k.json 10000
 * java -cp … LargeTrivyReportBenchmark import-moto /tmp/10k.json 5          # moto on loopback; then 5 fixed
 * </pre>
 * Prints wall time, Security Hub calls, peak heap (every heap pool's peak) and peak RSS (VmHWM).
 */
public final class LargeTrivyReportBenchmark {

    private static final String IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-web";

    private LargeTrivyReportBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path report = Path.of(args[1]);
        switch (mode) {
            case "generate" -> generate(report, "1.0", args.length > 2 ? Integer.parseInt(args[2]) : 95_000, 0);
            case "dry-run" -> dryRun(report);
            case "import-fake" -> importFake(report);
            case "import-endpoint" -> importEndpoint(report, java.net.URI.create(args[2]));
            case "import-moto" -> importMoto(report, args.length > 2 ? Integer.parseInt(args[2]) : 5);
            default -> throw new IllegalArgumentException("mode: generate, dry-run, import-fake or import-moto");
        }
    }

    /** A Trivy report of {@code count} OS vulnerabilities, about 2.2 KB each, written as it goes. */
    static void generate(Path file, String tag, int count, int skip) throws IOException {
        String[] severities = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"};
        try (JsonGenerator g = FakeAwsServer.JSON.getFactory().createGenerator(Files.newBufferedWriter(file))) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("SchemaVersion", 2);
            g.writeStringField("CreatedAt", "2026-11-24T09:00:00Z");
            g.writeStringField("ArtifactName", IMAGE + ":" + tag);
            g.writeStringField("ArtifactType", "container_image");
            g.writeObjectFieldStart("Metadata");
            g.writeObjectFieldStart("OS");
            g.writeStringField("Family", "debian");
            g.writeStringField("Name", "12.5");
            g.writeEndObject();
            g.writeArrayFieldStart("RepoDigests");
            g.writeString(IMAGE + "@sha256:" + "1".repeat(64));
            g.writeEndArray();
            g.writeEndObject();
            g.writeArrayFieldStart("Results");
            g.writeStartObject();
            g.writeStringField("Target", IMAGE + ":" + tag + " (debian 12.5)");
            g.writeStringField("Class", "os-pkgs");
            g.writeStringField("Type", "debian");
            g.writeArrayFieldStart("Vulnerabilities");
            for (int i = skip; i < count; i++) {
                String pkg = "pkg" + (i % 400);
                g.writeStartObject();
                g.writeStringField("VulnerabilityID", "CVE-2026-" + (100000 + i));
                g.writeStringField("PkgID", pkg + "@1." + (i % 7));
                g.writeStringField("PkgName", pkg);
                g.writeObjectFieldStart("PkgIdentifier");
                g.writeStringField("PURL", "pkg:deb/debian/" + pkg + "@1." + (i % 7) + "?arch=amd64&distro=debian-12.5");
                g.writeEndObject();
                g.writeStringField("InstalledVersion", "1." + (i % 7));
                if (i % 3 != 0) {
                    g.writeStringField("FixedVersion", "1." + (i % 7 + 1));
                }
                g.writeStringField("Status", i % 3 != 0 ? "fixed" : "affected");
                g.writeStringField("SeveritySource", "nvd");
                g.writeStringField("PrimaryURL", "https://avd.aquasec.com/nvd/cve-2026-" + (100000 + i));
                g.writeStringField("Title", "Issue " + i + " in " + pkg);
                g.writeStringField("Description", ("A flaw was found in " + pkg + " that lets a remote attacker "
                        + "cause a denial of service or disclose memory contents through crafted input. ").repeat(9));
                g.writeStringField("Severity", severities[i % severities.length]);
                g.writeObjectFieldStart("CVSS");
                g.writeObjectFieldStart("nvd");
                g.writeStringField("V3Vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
                g.writeNumberField("V3Score", 5.0 + i % 5);
                g.writeEndObject();
                g.writeEndObject();
                g.writeArrayFieldStart("References");
                for (int r = 0; r < 6; r++) {
                    g.writeString("https://security-tracker.debian.org/tracker/CVE-2026-" + (100000 + i) + "/ref" + r);
                }
                g.writeEndArray();
                g.writeStringField("PublishedDate", "2026-01-01T00:00:00Z");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        System.out.printf("generated %s: %d vulnerabilities, %.1f MB%n", file, count - skip,
                Files.size(file) / 1e6);
    }

    private static void dryRun(Path report) throws IOException {
        Path asff = Files.createTempFile("asff", ".json");
        TrivyScanRequest request = new TrivyScanRequest(report, null, null, "123456789012", null, null, null, true,
                true, asff);
        try (AwsClientFactory aws = new AwsClientFactory(AwsSettings.of(AwsSettings.Layer.EMPTY
                .withRegion("eu-west-1")))) {
            long start = System.nanoTime();
            TrivyScanResult r = new TrivyScan(request, aws, TrivyRunner.fromEnvironment(report.getParent()),
                    Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), StageLog.silent()).run();
            print("dry run (ASFF file)", report, r.total(), 0, System.nanoTime() - start);
        } finally {
            Files.deleteIfExists(asff);
        }
    }

    private static void importFake(Path report) throws IOException {
        // The fake runs in this JVM: it counts the findings without keeping them, so the peak is the import's own.
        try (FakeSecurityHub hub = new FakeSecurityHub(Instant::now).discardFindings();
             AwsClientFactory aws = new AwsClientFactory(hub.server().settings("eu-west-1"))) {
            long start = System.nanoTime();
            TrivyScanResult r = new TrivyScan(new TrivyScanRequest(report, null, null, "123456789012", null, null,
                    null, true, false, null), aws, TrivyRunner.fromEnvironment(report.getParent()), Clock.systemUTC(),
                    d -> Thread.sleep(d.toMillis()), StageLog.silent()).run();
            print("import, scripted Security Hub (real clock, 10 req/s)", report, r.imported(),
                    aws.calls().totalCalls(), System.nanoTime() - start);
        }
    }

    /** Import into an endpoint in another process (CountingSecurityHub, or moto): the peak is the import's own. */
    private static void importEndpoint(Path report, java.net.URI endpoint) throws IOException {
        AwsSettings settings = AwsSettings.of(AwsSettings.Layer.EMPTY.withRegion("eu-west-1")
                .withCredentials(new CredentialsSource.StaticKeys("AKIAIOSFODNN7EXAMPLE", "bench-secret"))
                .withEndpoint(endpoint));
        try (AwsClientFactory aws = new AwsClientFactory(settings)) {
            long start = System.nanoTime();
            TrivyScanResult r = new TrivyScan(new TrivyScanRequest(report, null, null, "123456789012", null, null,
                    null, true, false, null), aws, TrivyRunner.fromEnvironment(report.getParent()), Clock.systemUTC(),
                    d -> Thread.sleep(d.toMillis()), StageLog.silent()).run();
            print("import into " + endpoint, report, r.imported(), aws.calls().totalCalls(),
                    System.nanoTime() - start);
        }
    }

    private static void importMoto(Path report, int fixed) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process moto = new ProcessBuilder(System.getenv().getOrDefault("MOTO_SERVER", "moto_server"), "-H",
                "127.0.0.1", "-p", Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        java.net.URI endpoint = java.net.URI.create("http://127.0.0.1:" + port);
        for (int i = 0; i < 600; i++) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        AwsSettings settings = AwsSettings.of(AwsSettings.Layer.EMPTY.withRegion("eu-west-1")
                .withCredentials(new CredentialsSource.StaticKeys("AKIAIOSFODNN7EXAMPLE", "moto-secret"))
                .withEndpoint(endpoint));
        try (AwsClientFactory aws = new AwsClientFactory(settings)) {
            Path state = Files.createTempFile("trivy-state", ".json.gz");
            Files.delete(state);
            long start = System.nanoTime();
            TrivyScanResult r = scan(aws, report, state);
            print("import into moto (no earlier state)", report, r.imported(), aws.calls().totalCalls(),
                    System.nanoTime() - start);
            int count = (int) r.total();
            Path next = report.resolveSibling("reimport-" + report.getFileName());
            generate(next, "1.1", count, fixed);
            long calls = aws.calls().totalCalls();
            start = System.nanoTime();
            TrivyScanResult again = scan(aws, next, state);
            print("re-import into moto, " + fixed + " fixed, new tag (state known): archived " + again.archived(),
                    next, again.imported(), aws.calls().totalCalls() - calls, System.nanoTime() - start);
        } finally {
            moto.destroy();
            moto.waitFor();
        }
    }

    private static TrivyScanResult scan(AwsClientFactory aws, Path report, Path state) {
        return new TrivyScan(new TrivyScanRequest(report, null, null, "123456789012", null, null, null, true, false,
                null), aws, TrivyRunner.fromEnvironment(report.getParent()), Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()), StageLog.silent()).withStateStore(new ImportStateFile(state)).run();
    }

    private static void print(String what, Path report, long findings, long calls, long nanos) throws IOException {
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().map(l -> l.replaceAll("\\s+", " ")).orElse("VmHWM n/a");
        System.out.printf("| %s | %.1f MB report | %d findings | %d calls | %.1f s | peak heap %d MB | %s | -Xmx %d MB |%n",
                what, Files.size(report) / 1e6, findings, calls, nanos / 1e9, peakHeap >> 20, hwm,
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
