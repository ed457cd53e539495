package io.jenkins.plugins.awsdelivery.core.trivy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scanned image: its repository (the identity findings are grouped by), tag and digest, and whether it is an
 * Amazon ECR image.
 */
record ImageReference(String repository, String tag, String digest, Optional<Ecr> ecr) {

    /** An Amazon ECR image's registry (account), region and repository name. */
    record Ecr(String registryId, String region, String repositoryName) {}

    private static final Pattern ECR = Pattern.compile(
            "^(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/(.+)$");

    static ImageReference of(String artifactName, List<String> repoDigests) {
        String name = artifactName == null ? "" : artifactName;
        String digest = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at + 1);
            name = name.substring(0, at);
        }
        String tag = null;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        if (digest == null) {
            for (String rd : repoDigests) {
                int i = rd.indexOf('@');
                if (i > 0 && (rd.substring(0, i).equals(name) || name.isEmpty())) {
                    digest = rd.substring(i + 1);
                    if (name.isEmpty()) {
                        name = rd.substring(0, i);
                    }
                }
            }
            if (digest == null && !repoDigests.isEmpty() && repoDigests.get(0).contains("@")) {
                digest = repoDigests.get(0).substring(repoDigests.get(0).indexOf('@') + 1);
            }
        }
        Matcher m = ECR.matcher(name);
        Optional<Ecr> ecr = m.matches() ? Optional.of(new Ecr(m.group(1), m.group(2), m.group(3))) : Optional.empty();
        return new ImageReference(name, tag, digest, ecr);
    }
}
