package io.jenkins.plugins.awsdelivery.cli;

import io.jenkins.plugins.awsdelivery.core.ProjectVersion;
import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code aws-delivery-stages}: every stage of the Jenkins plugin, from a shell.
 *
 * <p>Exit codes: 0 success; 1 the stage ran and said no (a gate failed, a deployment rolled back or timed out);
 * 2 usage error or invalid input; 3 an AWS or Kubernetes error, or anything unexpected (out of memory included).
 * With {@code --output json}, exit codes 2 and 3 (and 1 for a stage that ran out of time before it had a
 * result) print {@code {"status": ..., "error": {...}}} on standard output, so that scripts always get JSON.
 */
@Command(name = "aws-delivery-stages",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Run the aws-delivery-stages Jenkins stages from a command line.",
        subcommands = {
            CommandLine.HelpCommand.class,
            EcsForceDeployCommand.class,
            HealthGateCommand.class,
            PxSnapshotCommand.class,
            ResilienceHubGateCommand.class,
            SpotCheckCommand.class,
            TrivyToSecurityHubCommand.class
        },
        footer = {"", "Exit codes:",
            "  0  success",
            "  1  the stage said no: a gate failed, a deployment failed, rolled back or timed out",
            "  2  usage error or invalid input",
            "  3  AWS or Kubernetes error, or an unexpected error such as running out of memory",
            "With --output json, an error also prints {\"status\": ..., \"error\": {\"kind\": ..., \"message\": ...}} "
                    + "on standard output."})
public final class Main implements Runnable {

    public static final int OK = 0;
    public static final int STAGE_SAID_NO = 1;
    public static final int USAGE = 2;
    public static final int SERVICE_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, commandLine());
    }

    static int run(String[] args, PrintWriter out, PrintWriter err, CommandLine cli) {
        cli.setOut(out);
        cli.setErr(err);
        boolean json = OutputFormat.requested(args) == OutputFormat.json;
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StageException se) {
                commandLine.getErr().println("ERROR: " + se.describe());
                int code = se.kind() == StageException.Kind.INVALID_INPUT ? USAGE
                        : se.kind() == StageException.Kind.TIMEOUT ? STAGE_SAID_NO : SERVICE_ERROR;
                if (json) {
                    OutputFormat.printError(commandLine.getOut(), code, se.kind().name(), se.getMessage(), se.hint());
                }
                return code;
            }
            if (json) {
                OutputFormat.printError(commandLine.getOut(), SERVICE_ERROR, "INTERNAL", String.valueOf(e), "");
            }
            return unexpected(commandLine.getErr(), e);
        });
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, arguments) -> {
            int code = usage.handleParseException(e, arguments);
            if (json) {
                OutputFormat.printError(e.getCommandLine().getOut(), code, "USAGE", e.getMessage(), "Run with --help "
                        + "for the options.");
            }
            return code;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            if (json) {
                OutputFormat.printError(out, SERVICE_ERROR, "INTERNAL", e.getClass().getSimpleName(), "");
            }
            return unexpected(err, e);
        }
    }

    /**
     * Anything no stage expected, an OutOfMemoryError included: one line and exit 3, never the stack trace and never
     * exit 1 (which says the stage ran and said no).
     */
    static int unexpected(PrintWriter err, Throwable e) {
        String hint = e instanceof OutOfMemoryError
                ? " Give Java more memory (-Xmx, or JAVA_OPTS) or report the input that needed it."
                : " This is a bug; please report it with the command line.";
        StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        err.println("ERROR: unexpected " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + (at == null ? "" : " (at " + at.getClassName() + "." + at.getMethodName() + ":" + at.getLineNumber()
                + ")") + "." + hint);
        err.flush();
        return SERVICE_ERROR;
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> USAGE);
        cli.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        cli.getCommandSpec().exitCodeOnUsageHelp(OK);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --version}: this project's version and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {ProjectVersion.NAME + " " + ProjectVersion.version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
