package io.tcpecho.load;

import java.io.IOException;
import java.util.concurrent.Callable;

import io.tcpecho.load.LoadOptions.Common;
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

    /** Runs the workload on {@code run}, with its progress lines, and says what it measured. */
    abstract RunReport report(LoadRun run) throws InterruptedException;

    void validate() {
    }

    /** Runs just before the workload starts: a shard waits here for the others ({@code --barrier}). */
    void awaitStart() throws BarrierException, IOException, InterruptedException {
    }

    /** Whether the workload ends a connection that meets an expected fault as a success (--expect). */
    boolean takesExpectations() {
        return false;
    }

    final void positive(String option, long value) {
        LoadOptions.positive(spec, option, value);
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
        if (common.expect != null && !takesExpectations()) {
            throw new ParameterException(spec.commandLine(), "--expect works with bulk, churn and pingpong");
        }
        String tlsProblem = common.tls.prepare();
        if (tlsProblem != null) {
            throw new ParameterException(spec.commandLine(), tlsProblem);
        }
        awaitStart();
        RunReport result;
        try (LoadRun run = new LoadRun(common.target, common.threads(), common.seed, common.timeoutNanos, common.tls,
                common.expect)) {
            result = report(run);
        }
        int status = common.report.print(spec, result.table(), result.json(), result.failureReason());
        reported(status);
        return status;
    }

    /** The report is printed, and the command is about to exit with {@code status}. */
    void reported(int status) {
    }
}
