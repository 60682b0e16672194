package io.tcpecho.load;

import java.util.Collection;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The load client's command line: {@code load <workload> [options]}. Exit status 0 when every echoed byte
 * was verified, 1 when the echo failed (one line on stderr says why), 2 for bad arguments.
 */
@Command(name = "load", mixinStandardHelpOptions = true, version = "tcp-echo load client",
        description = "Integrity-checking load client for TCP echo servers (RFC 862). Every echoed byte is verified.",
        subcommands = { LoadCommands.Bulk.class, LoadCommands.PingPong.class, LoadCommands.Churn.class,
                LoadCommands.Idle.class, LoadCommands.Flood.class, LoadCommands.Steady.class, MergeCommand.class,
                SpreadCommand.class, UdpCommand.class })
public final class LoadCli implements Runnable {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    private LoadCli() {
    }

    /** Runs the client with the arguments after {@code load}; returns the exit status. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LoadCli());
        cli.getCommandSpec().usageMessage().synopsisSubcommandLabel("(" + String.join(" | ", workloads(cli)) + ")");
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            String prefix = failed == cli ? "load" : "load " + failed.getCommandName();
            String unknownWorkload = failed == cli && e instanceof UnmatchedArgumentException unmatched
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")
                    ? unmatched.getUnmatched().get(0) : null;
            failed.getErr().println(prefix + ": " + (unknownWorkload != null
                    ? "unknown workload '" + unknownWorkload + "'; " + workloadList(cli)
                    : e.getMessage() + " (see '" + prefix + " --help')"));
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            // A barrier's reason is one line written for the user (which shards never checked in); others name their type.
            commandLine.getErr().println("load: FAILED: " + (e instanceof BarrierException ? e.getMessage() : LoadRun.describe(e)));
            return EXIT_FAILED;
        });
        return cli;
    }

    /** The subcommands that put load on a server: all but {@code merge}, which reads what they reported. */
    private static Collection<String> workloads(CommandLine cli) {
        return cli.getSubcommands().entrySet().stream()
                .filter(subcommand -> !(subcommand.getValue().getCommand() instanceof MergeCommand))
                .map(Map.Entry::getKey).toList();
    }

    private static String workloadList(CommandLine cli) {
        return "workloads: " + String.join(", ", workloads(cli));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing workload; " + workloadList(spec.commandLine()));
    }
}
