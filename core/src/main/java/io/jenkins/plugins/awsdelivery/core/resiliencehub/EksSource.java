package io.jenkins.plugins.awsdelivery.core.resiliencehub;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An Amazon EKS cluster and the namespaces of it that Resilience Hub imports.
 *
 * @param clusterArn the EKS cluster ARN
 * @param namespaces Kubernetes namespaces, at least one
 */
public record EksSource(String clusterArn, List<String> namespaces) implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Pattern CLUSTER_ARN =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):eks:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    public EksSource {
        clusterArn = clusterArn == null ? "" : clusterArn.trim();
        if (!CLUSTER_ARN.matcher(clusterArn).matches()) {
            throw StageException.invalidInput("eksSources: '" + clusterArn + "' is not an EKS cluster ARN.",
                    "Use arn:aws:eks:eu-west-1:123456789012:cluster/name=namespace1,namespace2.");
        }
        List<String> clean = new ArrayList<>();
        for (String n : namespaces == null ? List.<String>of() : namespaces) {
            String t = n == null ? "" : n.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (t.length() > 63 || !NAMESPACE.matcher(t).matches()) {
                throw StageException.invalidInput("eksSources: '" + t + "' is not a Kubernetes namespace name.",
                        "Use lower-case letters, digits and '-', at most 63 characters.");
            }
            clean.add(t);
        }
        if (clean.isEmpty()) {
            throw StageException.invalidInput("eksSources: cluster " + clusterArn + " has no namespaces.",
                    "Name the namespaces to import after '=': " + clusterArn + "=namespace1,namespace2.");
        }
        namespaces = List.copyOf(clean);
    }

    /** The partition of the cluster ARN ({@code aws}, {@code aws-cn}, {@code aws-us-gov}). */
    public String partition() {
        return clusterArn.split(":", 3)[1];
    }

    /** {@code CLUSTER_ARN=ns1,ns2}, as users write it in a text field or on the command line. */
    public static EksSource parse(String text) {
        String t = text == null ? "" : text.trim();
        int eq = t.indexOf('=');
        if (eq < 0) {
            throw StageException.invalidInput("eksSources: '" + t + "' names no namespaces.",
                    "Write CLUSTER_ARN=namespace1,namespace2.");
        }
        return new EksSource(t.substring(0, eq), List.of(t.substring(eq + 1).split(",")));
    }

    @Override
    public String toString() {
        return clusterArn + "=" + String.join(",", namespaces);
    }
}
