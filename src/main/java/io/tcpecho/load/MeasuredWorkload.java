package io.tcpecho.load;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A workload that fails at the first broken connection and measures throughput and one latency ({@link LoadResult}),
 * with the rates as progress lines: every workload but {@code steady}. Each runs as one shard of a run
 * ({@code --shard}), and writes its latencies as an interval log ({@code --histogram-log}) if asked.
 */
abstract class MeasuredWorkload extends Workload {

    @Mixin
    ShardOptions shardOptions;

    @Option(names = "--histogram-log", paramLabel = "FILE",
            description = "Write the latencies to FILE as an HdrHistogram interval log, one interval a second, tagged "
                    + "warmup, the workload's name (the measured ones) and cooldown.")
    Path histogramLog;

    private Shard shard;

    abstract LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException;

    /** Which shard of the run this is ({@code --shard}, or the environment). */
    final Shard shard() {
        if (shard == null) {
            shard = shardOptions.resolve(spec);
        }
        return shard;
    }

    @Override
    final void awaitStart() throws BarrierException, IOException, InterruptedException {
        shardOptions.awaitStart(shard(), line -> spec.commandLine().getErr().println("load: " + line));
    }

    /** Stops the command line unless each shard gets at least one of the {@code total} that {@code option} says. */
    final void shared(String option, long total) {
        if (total < shard().count()) {
            throw new ParameterException(spec.commandLine(), option + " " + total + " cannot be split into "
                    + shard().count() + " shards: each needs at least one");
        }
    }

    @Override
    final RunReport report(LoadRun run) throws InterruptedException {
        if (histogramLog != null) {
            try {
                run.latencies.logTo(histogramLog, run.startedAt, spec.name());
            } catch (FileNotFoundException e) {
                throw new ParameterException(spec.commandLine(), "--histogram-log: cannot write " + histogramLog + ": "
                        + e.getMessage());
            }
        }
        Progress progress = Progress.rates(run, spec.name(), common.progressNanos);
        progress.start();
        try {
            return execute(run, new LoadResult(spec.name(), common.targetText(), run.transport(), common.threads())
                    .parameter("protocol", common.tls.describe()).expecting(common.expect).shard(shard()));
        } finally {
            progress.stop();
        }
    }
}
