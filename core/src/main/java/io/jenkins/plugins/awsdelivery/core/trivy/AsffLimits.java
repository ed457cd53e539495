package io.jenkins.plugins.awsdelivery.core.trivy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.Recommendation;
import software.amazon.awssdk.services.securityhub.model.Remediation;
import software.amazon.awssdk.services.securityhub.model.Vulnerability;

/**
 * Security Hub's documented limits on a finding (ASFF): field lengths and list sizes are truncated where the format
 * allows it; a finding still over 240 KB is refused by name.
 */
final class AsffLimits {

    static final int TITLE = 256;
    static final int DESCRIPTION = 1024;
    static final int RECOMMENDATION_TEXT = 512;
    static final int URL = 512;
    static final int PRODUCT_FIELDS = 50;
    static final int PRODUCT_FIELD_KEY = 128;
    static final int PRODUCT_FIELD_VALUE = 2048;
    static final int REFERENCE_URLS = 20;
    static final int FINDING_BYTES = 240 * 1024;

    /** The finding fitted, or why it cannot be. */
    record Fitted(AwsSecurityFinding finding, String error, int bytes) {}

    private AsffLimits() {}

    static Fitted fit(AwsSecurityFinding f) {
        if (f.id().length() > 512) {
            return new Fitted(null, "its Id is longer than 512 characters", 0);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        f.productFields().forEach((k, v) -> {
            if (fields.size() < PRODUCT_FIELDS) {
                fields.put(cut(k, PRODUCT_FIELD_KEY), cut(v, PRODUCT_FIELD_VALUE));
            }
        });
        AwsSecurityFinding.Builder b = f.toBuilder()
                .title(cut(f.title(), TITLE))
                .description(cut(f.description(), DESCRIPTION))
                .productFields(fields);
        if (f.remediation() != null && f.remediation().recommendation() != null) {
            Recommendation r = f.remediation().recommendation();
            String url = r.url();
            b.remediation(Remediation.builder().recommendation(Recommendation.builder()
                    .text(cut(r.text(), RECOMMENDATION_TEXT))
                    .url(url != null && url.length() > URL ? null : url).build()).build());
        }
        if (f.hasVulnerabilities()) {
            b.vulnerabilities(f.vulnerabilities().stream().map(AsffLimits::fitVulnerability).toList());
        }
        AwsSecurityFinding fitted = b.build();
        // Measuring means writing the JSON: once for nearly every finding, twice only for the huge ones.
        int size = AsffJson.size(fitted);
        if (size > FINDING_BYTES && fitted.hasVulnerabilities()) {
            fitted = fitted.toBuilder().vulnerabilities(fitted.vulnerabilities().stream()
                    .map(v -> v.toBuilder().referenceUrls(List.of()).build()).toList()).build();
            size = AsffJson.size(fitted);
        }
        if (size > FINDING_BYTES) {
            return new Fitted(null, "it is " + size + " bytes of JSON after truncation; Security Hub accepts "
                    + FINDING_BYTES, size);
        }
        return new Fitted(fitted, null, size);
    }

    private static Vulnerability fitVulnerability(Vulnerability v) {
        List<String> urls = v.hasReferenceUrls() ? v.referenceUrls().stream().filter(u -> u.length() <= URL)
                .limit(REFERENCE_URLS).toList() : List.of();
        return v.toBuilder().referenceUrls(urls).build();
    }

    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 1) + "…";
    }
}
