package io.jenkins.plugins.awsdelivery.core.trivy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A whole report read and mapped into lists, for tests of small reports. */
record ReportMapping(TrivyReport report, List<MappedFinding> findings, List<AsffMapper.InvalidFinding> invalid) {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    static ReportMapping of(Path file, String region) {
        TrivyReport report = TrivyReportReader.read(file);
        AsffMapper mapper = new AsffMapper(region, "123456789012", AsffMapper.Product.DEFAULT, NOW);
        List<MappedFinding> findings = new ArrayList<>();
        List<AsffMapper.InvalidFinding> invalid = new ArrayList<>();
        TrivyReportReader.forEachFinding(report, file, (r, f) -> {
            AsffMapper.Mapped m = mapper.map(report, r, f, id -> null);
            if (m.error() == null) {
                findings.add(m.finding());
            } else {
                invalid.add(new AsffMapper.InvalidFinding(m.finding().id(), m.finding().issue(), m.error()));
            }
        });
        return new ReportMapping(report, findings, invalid);
    }

    static ReportMapping of(String json, String region) {
        try {
            Path file = Files.createTempFile("trivy", ".json");
            Files.writeString(file, json);
            try {
                return of(file, region);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(ReportMapping.class.getResource("/trivy/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    MappedFinding issue(String issue) {
        return findings.stream().filter(f -> f.issue().equals(issue)).findFirst().orElseThrow();
    }
}
