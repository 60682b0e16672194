package io.tcpecho.load;

/**
 * A workload that fails at the first broken connection and measures throughput and one latency ({@link LoadResult}),
 * with the rates as progress lines: every workload but {@code steady}.
 */
abstract class MeasuredWorkload extends ShardedWorkload {

    abstract LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException;

    @Override
    final RunReport report(LoadRun run) throws InterruptedException {
        logLatencies(run);
        Progress progress = Progress.rates(run, spec.name(), common.progressNanos);
        progress.start();
        try {
            return execute(run, new LoadResult(spec.name(), common.targetText(), run.transport(), common.threads())
                    .parameter("protocol", common.tls.describe()).expecting(common.expect).shard(shard())
                    .agreedStart(agreedStart()));
        } finally {
            progress.stop();
        }
    }
}
