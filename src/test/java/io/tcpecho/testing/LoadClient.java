package io.tcpecho.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

import io.tcpecho.load.LoadCli;
import picocli.CommandLine;

/** The real load client, run in the test's JVM with its output captured: what a user runs as {@code load ...}. */
public final class LoadClient {

    private LoadClient() {
    }

    public record Outcome(int exit, String out, String err) {
    }

    public static Outcome run(String... args) {
        CommandLine cli = LoadCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }
}
