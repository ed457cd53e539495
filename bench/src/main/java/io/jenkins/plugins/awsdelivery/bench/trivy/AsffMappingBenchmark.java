package io.jenkins.plugins.awsdelivery.bench.trivy;

import io.jenkins.plugins.awsdelivery.core.trivy.AsffMapper;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReport;
import io.jenkins.plugins.awsdelivery.core.trivy.TrivyReportParser;
import io.jenkins.plugins.awsdelivery.testing.TrivyReports;
import java.nio.charset.StandardCharsets;
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
 * Parsing and mapping throughput for a generated 10,000-vulnerability report: parse + validate, and map to ASFF
 * (including the limit checks, which serialise every finding once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class AsffMappingBenchmark {

    static final int FINDINGS = 10_000;

    private byte[] json;
    private TrivyReport report;
    private AsffMapper mapper;

    @Setup
    public void setUp() {
        json = TrivyReports.image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1")
                .vulnerabilities("debian 12", FINDINGS).json().getBytes(StandardCharsets.UTF_8);
        report = TrivyReportParser.parse("bench.json", json);
        mapper = new AsffMapper("eu-west-1", "123456789012", AsffMapper.Product.DEFAULT, Instant.now());
    }

    @Benchmark
    public TrivyReport parse10k() {
        return TrivyReportParser.parse("bench.json", json);
    }

    @Benchmark
    public AsffMapper.Mapping map10k() {
        return mapper.map(report);
    }
}
