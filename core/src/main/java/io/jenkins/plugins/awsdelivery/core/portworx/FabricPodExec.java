package io.jenkins.plugins.awsdelivery.core.portworx;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.jenkins.plugins.awsdelivery.core.StageException;
import io.jenkins.plugins.awsdelivery.core.kubernetes.KubernetesCalls;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link PodExec} through the Kubernetes API's {@code pods/exec} subresource. */
public final class FabricPodExec implements PodExec {

    private static final int MAX_OUTPUT = 4000;

    private final KubernetesClient client;

    public FabricPodExec(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Result run(String namespace, String pod, String container, List<String> command, Duration timeout) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (ExecWatch watch = KubernetesCalls.call("create", "pods/exec", namespace, () -> client.pods()
                .inNamespace(namespace).withName(pod).inContainer(container)
                .writingOutput(output).writingError(output)
                .exec(command.toArray(String[]::new)))) {
            Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String text = output.toString(StandardCharsets.UTF_8);
            return new Result(code == null ? -1 : code,
                    text.length() > MAX_OUTPUT ? text.substring(text.length() - MAX_OUTPUT) : text);
        } catch (TimeoutException e) {
            throw new StageException(StageException.Kind.TIMEOUT, "The command " + command + " in pod " + namespace
                    + "/" + pod + " did not finish within " + timeout.toSeconds() + "s.",
                    "Make the command faster, or check that the container is responsive.", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KubernetesClientException kce) {
                throw KubernetesCalls.translate("create", "pods/exec", namespace, kce);
            }
            throw new StageException(StageException.Kind.KUBERNETES, "Running " + command + " in pod " + namespace
                    + "/" + pod + " failed: " + cause, "", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageException(StageException.Kind.TIMEOUT, "Interrupted while running " + command
                    + " in pod " + namespace + "/" + pod + ".", "", e);
        }
    }
}
