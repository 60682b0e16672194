package io.tcpecho.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.tcpecho.load.LoadConverters.DurationConverter;
import io.tcpecho.load.LoadConverters.SizeConverter;
import io.tcpecho.load.LoadOptions.HalfClose;
import io.tcpecho.load.LoadOptions.TimedMessages;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The workloads of {@code load}, one subcommand each; what each does is in its own {@code *Workload} class. */
final class LoadCommands {

    private LoadCommands() {
    }

    @Command(name = "bulk", mixinStandardHelpOptions = true,
            description = "N connections each stream SIZE bytes full duplex, then half-close and expect the rest and EOF.")
    static final class Bulk extends MeasuredWorkload {
        @Override
        boolean takesExpectations() {
            return true;
        }

        @Option(names = { "-c", "--connections" }, defaultValue = "1", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = { "-s", "--size" }, paramLabel = "BYTES", defaultValue = "32MiB", converter = SizeConverter.class,
                description = "Bytes each connection streams (default: ${DEFAULT-VALUE}).")
        long size;

        @Option(names = "--chunk", paramLabel = "BYTES", defaultValue = "64KiB", converter = SizeConverter.class,
                description = "Bytes per write (default: ${DEFAULT-VALUE}).")
        long chunk;

        @Option(names = { "-w", "--warmup" }, paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
                description = "Streaming not measured at the start: throughput counts the bytes echoed after it, from its "
                        + "end (default: ${DEFAULT-VALUE}; the streams must outlast it).")
        long warmupNanos;

        @Mixin
        HalfClose end;

        @Override
        void validate() {
            positive("--connections", connections);
            shared("--connections", connections);
            positive("--size", size);
            positive("--chunk", chunk);
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            boolean halfClose = end.halfClose(run);
            result.parameter("connections", connections).parameter("size", size).parameter("chunk", chunk)
                    .parameter("halfClose", halfClose).parameter("warmupSeconds", warmupNanos / 1e9)
                    .latencyOf("time to echo a connection's whole stream");
            return BulkWorkload.run(run, result, shard().connections(connections), size, (int) Math.min(chunk, 1 << 30),
                    halfClose, warmupNanos);
        }
    }

    @Command(name = "pingpong", mixinStandardHelpOptions = true,
            description = "N connections, one message of SIZE bytes in flight each, for a duration; measures round trips.")
    static final class PingPong extends MeasuredWorkload {
        @Override
        boolean takesExpectations() {
            return true;
        }

        @Option(names = { "-c", "--connections" }, defaultValue = "64", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Mixin
        TimedMessages timed;

        @Override
        void validate() {
            positive("--connections", connections);
            shared("--connections", connections);
            timed.validate(this);
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            timed.describe(result.parameter("connections", connections)).latencyOf("message round trip");
            return PingPongWorkload.run(run, result, shard().connections(connections), (int) timed.messageSize,
                    timed.warmupNanos, timed.durationNanos);
        }
    }

    @Command(name = "churn", mixinStandardHelpOptions = true,
            description = "N parallel slots: connect, send SIZE bytes, half-close, read them and EOF back, close, repeat.")
    static final class Churn extends MeasuredWorkload {
        @Override
        boolean takesExpectations() {
            return true;
        }

        @Option(names = { "-c", "--connections" }, paramLabel = "SLOTS", defaultValue = "16",
                description = "Connections open in parallel (default: ${DEFAULT-VALUE}).")
        int slots;

        @Mixin
        TimedMessages timed;

        @Mixin
        HalfClose end;

        @Override
        void validate() {
            positive("--connections", slots);
            shared("--connections", slots);
            timed.validate(this);
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            boolean halfClose = end.halfClose(run);
            timed.describe(result.parameter("connections", slots)).parameter("halfClose", halfClose)
                    .latencyOf("connection, connect to close");
            return ChurnWorkload.run(run, result, shard(), (int) shard().share(slots), (int) timed.messageSize, halfClose,
                    timed.warmupNanos, timed.durationNanos);
        }
    }

    @Command(name = "idle", mixinStandardHelpOptions = true,
            description = "Open N connections, hold them idle, then check that each still echoes SIZE bytes and EOF.")
    static final class Idle extends MeasuredWorkload {
        @Option(names = { "-c", "--connections" }, defaultValue = "1000", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
                description = "How long to hold them idle (default: ${DEFAULT-VALUE}).")
        long holdNanos;

        @Option(names = { "-m", "--message-size" }, paramLabel = "BYTES", defaultValue = "16", converter = SizeConverter.class,
                description = "Bytes each connection echoes after the hold (default: ${DEFAULT-VALUE}).")
        long messageSize;

        @Option(names = "--open-concurrency", paramLabel = "N", defaultValue = "256",
                description = "Connections being opened at a time (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Override
        void validate() {
            positive("--connections", connections);
            positive("--message-size", messageSize);
            positive("--open-concurrency", concurrency);
            shared("--connections", connections);
            shared("--open-concurrency", concurrency);
            if (holdNanos < 0) {
                throw new ParameterException(spec.commandLine(), "--hold must not be negative");
            }
            if (messageSize > PayloadPattern.MAX_SLICE) {
                throw new ParameterException(spec.commandLine(), "--message-size must be at most 64KiB");
            }
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            result.parameter("connections", connections).parameter("holdSeconds", holdNanos / 1e9)
                    .parameter("messageSize", messageSize).latencyOf("check round trip after the hold");
            return IdleWorkload.run(run, result, shard().connections(connections), (int) shard().share(concurrency),
                    (int) messageSize, holdNanos);
        }
    }

    @Command(name = "flood", mixinStandardHelpOptions = true,
            description = "N connections send up to SIZE bytes each without reading; after the hold, each reads its echo, "
                    + "half-closes and expects every byte and EOF back.")
    static final class Flood extends MeasuredWorkload {
        @Option(names = { "-c", "--connections" }, defaultValue = "1000", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = { "-s", "--size" }, paramLabel = "BYTES", defaultValue = "1MiB", converter = SizeConverter.class,
                description = "Bytes each connection sends, without reading while the hold lasts (default: ${DEFAULT-VALUE}).")
        long size;

        @Option(names = "--chunk", paramLabel = "BYTES", defaultValue = "16KiB", converter = SizeConverter.class,
                description = "Bytes per write (default: ${DEFAULT-VALUE}).")
        long chunk;

        @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
                description = "How long the connections send without reading (default: ${DEFAULT-VALUE}).")
        long holdNanos;

        @Option(names = "--open-concurrency", paramLabel = "N", defaultValue = "256",
                description = "Connections being opened at a time (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(names = "--send-buffer", paramLabel = "BYTES", defaultValue = "0", converter = SizeConverter.class,
                description = "SO_SNDBUF of each connection; 0 = the kernel's, auto-tuned. A small one keeps a flood from a "
                        + "client on the server's own host from filling that kernel's TCP memory (default: ${DEFAULT-VALUE}). "
                        + "The receive buffer stays the kernel's: a tiny one makes the kernel drop segments on loopback.")
        long sendBuffer;

        @Override
        void validate() {
            positive("--connections", connections);
            positive("--size", size);
            if (sendBuffer < 0 || sendBuffer > Integer.MAX_VALUE) {
                throw new ParameterException(spec.commandLine(), "--send-buffer must be 0 to 2GiB");
            }
            positive("--chunk", chunk);
            positive("--open-concurrency", concurrency);
            shared("--connections", connections);
            shared("--open-concurrency", concurrency);
            if (holdNanos < 0) {
                throw new ParameterException(spec.commandLine(), "--hold must not be negative");
            }
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            result.parameter("connections", connections).parameter("size", size).parameter("chunk", chunk)
                    .parameter("holdSeconds", holdNanos / 1e9).latencyOf("end of the hold to the connection's EOF");
            return FloodWorkload.run(run, result, new FloodWorkload.Plan(shard().connections(connections),
                    (int) shard().share(concurrency), size, (int) Math.min(chunk, 1 << 30), holdNanos, (int) sendBuffer));
        }
    }

    @Command(name = "steady", mixinStandardHelpOptions = true,
            description = "N long-lived connections send messages at a rate, each ended one recorded and replaced, and a "
                    + "probe opens a new connection every interval, until the duration is over or SIGINT/SIGTERM: what a "
                    + "rollout, a drain or a failover breaks.")
    static final class Steady extends ShardedWorkload {
        @Option(names = { "-c", "--connections" }, defaultValue = "10", description = "Long-lived connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = { "-m", "--message-size" }, paramLabel = "BYTES", defaultValue = "64", converter = SizeConverter.class,
                description = "Bytes per message (default: ${DEFAULT-VALUE}).")
        long messageSize;

        @Option(names = { "-r", "--rate" }, paramLabel = "MESSAGES/S", defaultValue = "10",
                description = "Messages per second on each connection; the next goes at its turn or after the echo of the "
                        + "last, whichever is later (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = { "-d", "--duration" }, paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
                description = "How long to run; 0 until SIGINT or SIGTERM (default: ${DEFAULT-VALUE}).")
        long durationNanos;

        @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
                description = "A new connection's probe every interval (default: ${DEFAULT-VALUE}).")
        long probeIntervalNanos;

        @Option(names = "--identity",
                description = "The target is an identity listener (echo.identity.port): each connection's first line names "
                        + "its pod, and the report has a row per pod.")
        boolean identity;

        @Option(names = "--timeline", paramLabel = "FILE", description = "Write a JSON line per second to FILE.")
        Path timeline;

        @Option(names = "--picture", paramLabel = "FILE",
                description = "Write the timeline as an SVG image to FILE at the end: connections up, echoes, breaks and "
                        + "failed connects per second, outage windows shaded.")
        Path picture;

        @Mixin
        SteadyBudgets budgets;

        private StopSignal stop;

        @Override
        void validate() {
            positive("--connections", connections);
            shared("--connections", connections);
            positive("--message-size", messageSize);
            if (messageSize > Integer.MAX_VALUE) {
                throw new ParameterException(spec.commandLine(), "--message-size must be below 2 GiB");
            }
            if (!(rate > 0 && rate <= 1_000_000)) {
                throw new ParameterException(spec.commandLine(), "--rate must be above 0 and at most 1000000, got " + rate);
            }
            LoadOptions.notNegative(spec, "--duration", durationNanos);
            positive("--probe-interval", probeIntervalNanos);
            budgets.validate(spec);
        }

        @Override
        RunReport report(LoadRun run) throws InterruptedException {
            LoadResult measured = new LoadResult(spec.name(), common.targetText(), run.transport(), common.threads())
                    .parameter("protocol", common.tls.describe())
                    .parameter("connections", connections)
                    .parameter("messageSize", messageSize)
                    .parameter("rate", rate)
                    .parameter("durationSeconds", durationNanos / 1e9)
                    .parameter("probeIntervalSeconds", probeIntervalNanos / 1e9)
                    .parameter("identity", identity)
                    .shard(shard()).agreedStart(agreedStart()).latencyOf("message round trip");
            logLatencies(run);
            SteadyWorkload workload = new SteadyWorkload(run, new SteadyWorkload.Plan(shard(),
                    (int) shard().share(connections), (int) messageSize, Math.round(1e9 / rate), probeIntervalNanos,
                    durationNanos, identity));
            Progress progress = new Progress(spec.name(), common.progressNanos, workload::progress);
            stop = new StopSignal(common.timeoutNanos + TimeUnit.SECONDS.toNanos(5));
            try (Timeline seconds = Timeline.to(timeline)) {
                progress.start();
                JsonObject summary = workload.run(stop.stopped(), seconds);
                SteadyReport report = new SteadyReport(measured(measured, run, summary), summary,
                        seconds.seconds(), budgets.check(summary), run.failure());
                drawPicture(seconds, report);
                return report;
            } catch (IOException e) {
                stop.reported(LoadCli.EXIT_FAILED);
                throw new ParameterException(spec.commandLine(), "--timeline: cannot write " + timeline + ": " + e.getMessage());
            } catch (RuntimeException | InterruptedException e) {
                stop.reported(LoadCli.EXIT_FAILED);
                throw e;
            } finally {
                progress.stop();
            }
        }

        /** The run's counts and round trips, from the start of its ledger for as long as it ran. */
        private static LoadResult measured(LoadResult result, LoadRun run, JsonObject summary) {
            Instant started = Instant.parse(summary.getString("startedAt"));
            return result.counted(started, started, Math.round(summary.getDouble("seconds") * 1e9),
                    new LoadResult.Counts(run.bytesSent.sum(), run.bytesReceived.sum(), summary.getLong("messages"),
                            summary.getLong("connectionsOpened"), run.errors.sum(), 0), run.takeLatencies());
        }

        private void drawPicture(Timeline seconds, SteadyReport report) {
            if (picture == null) {
                return;
            }
            try {
                TimelinePicture.write(picture, seconds.seconds(), new JsonObject(report.json()));
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--picture: cannot write " + picture + ": " + e.getMessage());
            }
        }

        @Override
        void reported(int status) {
            stop.reported(status);
        }
    }
}
