package io.jenkins.plugins.awsdelivery.core.portworx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the commands run in pods; a command containing {@code failing} exits with 1. */
final class RecordingExec implements PodExec {

    final List<String> calls = new ArrayList<>();
    String failing = "\u0000";

    @Override
    public Result run(String namespace, String pod, String container, List<String> command, Duration timeout) {
        String script = command.get(command.size() - 1);
        calls.add(namespace + "/" + pod + "/" + container + ": " + script);
        return script.contains(failing) ? new Result(1, "MongoServerError: not authorized") : new Result(0, "ok");
    }
}
