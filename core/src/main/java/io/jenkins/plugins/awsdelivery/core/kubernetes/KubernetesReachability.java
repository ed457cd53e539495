package io.jenkins.plugins.awsdelivery.core.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.jenkins.plugins.awsdelivery.core.DurationText;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Whether the Kubernetes API server answers at all, asked once before a stage does anything: one GET of
 * {@code /version} with a hard deadline, so that a server that is not there fails the stage in seconds with the
 * server's URL and the cause (connection refused, TLS, unknown host, no answer) instead of after the client's
 * retries with "An error has occurred".
 */
public final class KubernetesReachability {

    /** How long the check waits at most, whatever the stage's own timeout. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private KubernetesReachability() {}

    /**
     * Throws a {@link StageException} of kind KUBERNETES when the API server does not answer HTTP within
     * {@code within} (at most {@link #MAX_WAIT}). Any HTTP answer counts as reachable: what the server allows is
     * for the calls that follow to find out.
     */
    public static void check(KubernetesClient client, Duration within) {
        Duration wait = within == null || within.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : within;
        String server = serverUrl(client);
        CompletableFuture<HttpResponse<String>> answer;
        try {
            HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                    .uri(server + "/version")
                    .timeout(wait.toMillis(), TimeUnit.MILLISECONDS).build();
            answer = client.getHttpClient().sendAsync(request, String.class);
        } catch (RuntimeException e) {
            throw unreachable(server, e, wait);
        }
        try {
            answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw unreachable(server, e, wait);
        } catch (ExecutionException e) {
            throw unreachable(server, e.getCause() == null ? e : e.getCause(), wait);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new StageException(StageException.Kind.KUBERNETES, "Interrupted while reaching the Kubernetes "
                    + "API server " + server + ".", "", e);
        }
    }

    /** The API server's URL as the client uses it. */
    public static String serverUrl(KubernetesClient client) {
        String url = client.getConfiguration().getMasterUrl();
        return url == null ? "(no server URL)" : url.replaceAll("/+$", "");
    }

    private static StageException unreachable(String server, Throwable failure, Duration wait) {
        Cause cause = Cause.of(failure, wait);
        return new StageException(StageException.Kind.KUBERNETES, "The Kubernetes API server " + server
                + " cannot be reached: " + cause.text() + ".", cause.hint(), failure);
    }

    /**
     * Why a request got no HTTP answer, in words, with what to do; the exception chain is searched because each
     * HTTP client (Vert.x in the CLI, OkHttp in Jenkins) wraps the network error in its own.
     */
    public record Cause(String text, String hint) {

        public static Cause of(Throwable failure, Duration wait) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof UnknownHostException) {
                    return new Cause("DNS does not know the host (unknown host " + hostOf(t) + ")",
                            "Check the server name in the kubeconfig or --server, and the DNS the controller uses.");
                }
                if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                    String what = t.getMessage() != null && t.getMessage().toLowerCase().contains("timed out")
                            ? "the connection timed out" : "connection refused";
                    return new Cause(what + " (" + (t.getMessage() == null ? t.getClass().getSimpleName()
                            : t.getMessage()) + ")", "Check the server URL and port, and that the API server runs "
                            + "and a firewall lets the controller through.");
                }
                if (t instanceof SSLException) {
                    String root = rootMessage(t);
                    if (certificateProblem(t)) {
                        return new Cause("the TLS handshake failed: the server's certificate is not trusted or does "
                                + "not match (" + root + ")", "Give the cluster's CA certificate (the kubeconfig's "
                                + "certificate-authority-data, or the credential's CA), and check that the URL names "
                                + "the host the certificate was issued for.");
                    }
                    return new Cause("the TLS handshake failed (" + root + "); the server does not speak TLS on this "
                            + "port or refused the handshake", "Check the URL's scheme (https://) and port against "
                            + "the API server's.");
                }
                if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                        || t instanceof InterruptedIOException
                        || t.getClass().getSimpleName().toLowerCase().contains("timeout")) {
                    return new Cause("no answer within " + DurationText.format(wait),
                            "Check that the URL points at the API server and not at another service, and the network "
                                    + "path from the controller to the cluster.");
                }
            }
            return new Cause(rootMessage(failure), "Check the server URL, the network path from the controller to "
                    + "the cluster and the CA certificate.");
        }

        private static boolean certificateProblem(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof CertificateException || c instanceof java.security.GeneralSecurityException
                        || String.valueOf(c.getMessage()).contains("certificat")
                        || String.valueOf(c.getMessage()).contains("PKIX")) {
                    return true;
                }
            }
            return false;
        }

        private static String hostOf(Throwable t) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            int colon = m.indexOf(':');
            return colon > 0 ? m.substring(0, colon).trim() : m.isEmpty() ? "?" : m.trim();
        }

        private static String rootMessage(Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // Netty appends the bytes it could not read as hex: "not an SSL/TLS record: 485454502f...".
            return root.getMessage() == null ? root.getClass().getSimpleName()
                    : root.getMessage().replaceAll(":\\s*[0-9a-fA-F]{16,}$", "");
        }
    }
}
