package io.tcpecho.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.Callable;

import io.tcpecho.load.LoadOptions.Common;
import io.tcpecho.load.LoadOptions.Format;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs one workload with the common options and reports; a subcommand of {@code load} each. */
abstract class Workload implements Callable<Integer> {

    @Mixin
    Common common;

    @Spec
    CommandSpec spec;

    abstract LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException;

    void validate() {
    }

    final void positive(String option, long value) {
        if (value <= 0) {
            throw new ParameterException(spec.commandLine(), option + " must be positive, got " + value);
        }
    }

    @Override
    public final Integer call() throws Exception {
        positive("--timeout", common.timeoutNanos);
        if (common.threads != null) {
            positive("--threads", common.threads);
        }
        if (common.progressNanos < 0) {
            throw new ParameterException(spec.commandLine(), "--progress must not be negative");
        }
        validate();
        LoadResult result;
        try (LoadRun run = new LoadRun(common.target, common.threads(), common.seed, common.timeoutNanos)) {
            Progress progress = new Progress(run, spec.name(), common.progressNanos);
            progress.start();
            try {
                result = execute(run, new LoadResult(spec.name(), common.targetText(), run.transport(),
                        common.threads()));
            } finally {
                progress.stop();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(common.format == Format.JSON ? result.json() : result.table());
        out.flush();
        if (common.json != null) {
            try {
                Files.writeString(common.json, result.json() + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                spec.commandLine().getErr().println("load: cannot write " + common.json + ": " + e.getMessage());
                return LoadCli.EXIT_FAILED;
            }
        }
        if (!result.ok()) {
            spec.commandLine().getErr().println("load: FAILED: " + result.failure());
            return LoadCli.EXIT_FAILED;
        }
        return 0;
    }
}
