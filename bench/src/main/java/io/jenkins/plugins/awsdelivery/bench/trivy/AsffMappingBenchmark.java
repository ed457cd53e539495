package io.jenkins.plugins.awsdelivery.bench.trivy;

import io.jenkins.plugins.awsdelivery.core.trivy.AsffMapper;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReport;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReportReader;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading and mapping throughput for a generated 10,000-vulnerability report: the checking first pass, and the
 * second pass mapped to ASFF (including the limit checks, which serialise every finding once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class AsffMappingBenchmark {

    static final int FINDINGS = 10_000;

    private Path file;
    private TrivyReport report;
    private AsffMapper mapper;

    @Setup
    public void setUp() throws IOException {
        file = TrivyReports.image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1")
                .vulnerabilities("debian 12", FINDINGS).writeTo(Files.createTempFile("bench", ".json"));
        report = TrivyReportReader.read(file);
        mapper = new AsffMapper("eu-west-1", "123456789012", AsffMapper.Product.DEFAULT, Instant.now());
    }

    @Benchmark
    public TrivyReport read10k() {
        return TrivyReportReader.read(file);
    }

    @Benchmark
    public long map10k() {
        long[] bytes = {0};
        TrivyReportReader.forEachFinding(report, file, (r, f) -> bytes[0] += mapper.map(report, r, f, id -> null)
                .finding().bytes());
        return bytes[0];
    }
}
