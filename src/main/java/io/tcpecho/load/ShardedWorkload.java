package io.tcpecho.load;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A workload that runs as one shard of a run ({@code --shard}), starts with the other shards through the barrier
 * ({@code --barrier}), and writes its latencies as an interval log ({@code --histogram-log}) if asked: every workload
 * of {@code load} that connects over TCP.
 */
abstract class ShardedWorkload extends Workload {

    @Mixin
    ShardOptions shardOptions;

    @Option(names = "--histogram-log", paramLabel = "FILE",
            description = "Write the latencies to FILE as an HdrHistogram interval log, one interval a second, tagged "
                    + "warmup, the workload's name (the measured ones) and cooldown.")
    Path histogramLog;

    private Shard shard;
    /** The instant the shards agreed to start at through the barrier; null without one. */
    private Instant agreedStart;

    /** Which shard of the run this is ({@code --shard}, or the environment). */
    final Shard shard() {
        if (shard == null) {
            shard = shardOptions.resolve(spec);
        }
        return shard;
    }

    /** The instant the shards agreed to start at ({@code --barrier}); null when this shard started on its own. */
    final Instant agreedStart() {
        return agreedStart;
    }

    @Override
    final void awaitStart() throws BarrierException, IOException, InterruptedException {
        agreedStart = shardOptions.awaitStart(shard(), spec);
    }

    /** Stops the command line unless each shard gets at least one of the {@code total} that {@code option} says. */
    final void shared(String option, long total) {
        ShardOptions.shared(spec, shard(), option, total);
    }

    /** With {@code --histogram-log}, writes the run's latency intervals there from now on. */
    final void logLatencies(LoadRun run) {
        if (histogramLog != null) {
            try {
                run.latencies.logTo(histogramLog, run.startedAt, spec.name());
            } catch (FileNotFoundException e) {
                throw new ParameterException(spec.commandLine(), "--histogram-log: cannot write " + histogramLog + ": "
                        + e.getMessage());
            }
        }
    }
}
