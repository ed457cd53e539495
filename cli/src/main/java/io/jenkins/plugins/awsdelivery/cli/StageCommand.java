package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.StageLog;
import io.jenkins.plugins.awsdelivery.core.StageResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Base of every stage subcommand: progress lines go to standard error, the result to standard output in the
 * chosen {@code --output} format, and the exit code says whether the stage passed.
 */
public abstract class StageCommand implements Callable<Integer> {

    /** What a stage subcommand returns: its result and whether the stage passed. */
    public record Outcome(StageResult result, boolean passed) {}

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "Result format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Override
    public final Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        StageLog log = StageLog.to(line -> {
            err.println(line);
            err.flush();
        });
        Outcome outcome = run(log);
        output.print(outcome.result(), spec.commandLine().getOut());
        return outcome.passed() ? Main.OK : Main.STAGE_SAID_NO;
    }

    /** Runs the stage; throws {@link io.jenkins.plugins.awsdelivery.core.StageException} for errors. */
    protected abstract Outcome run(StageLog log);
}
