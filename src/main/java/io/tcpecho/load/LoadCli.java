package io.tcpecho.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The load client's command line: {@code load <workload> [options]}. Exit status 0 when every echoed byte
 * was verified, 1 when the echo failed (one line on stderr says why), 2 for bad arguments.
 */
@Command(name = "load", mixinStandardHelpOptions = true, version = "tcp-echo load client",
        description = "Integrity-checking load client for TCP echo servers (RFC 862). Every echoed byte is verified.",
        subcommands = { LoadCli.Bulk.class, LoadCli.PingPong.class, LoadCli.Churn.class, LoadCli.Idle.class,
                LoadCli.Flood.class },
        synopsisSubcommandLabel = "(bulk | pingpong | churn | idle | flood)")
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

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LoadCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandName();
            String prefix = "load".equals(command) ? "load" : "load " + command;
            e.getCommandLine().getErr().println(prefix + ": " + e.getMessage() + " (see '" + prefix + " --help')");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("load: FAILED: " + LoadRun.describe(e));
            return EXIT_FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing workload: bulk, pingpong, churn, idle or flood");
    }

    public enum Format {
        TABLE, JSON
    }

    /** Options every workload has. */
    static final class Common {
        @Option(names = { "-t", "--target" }, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7007",
                converter = TargetConverter.class, description = "Echo server to load (default: ${DEFAULT-VALUE}).")
        InetSocketAddress target;

        @Option(names = "--threads", paramLabel = "N", description = "Client event-loop threads (default: CPU count).")
        Integer threads;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the pseudo-random byte streams (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
                description = "Fail when a connection waits this long for its echo or EOF, or to connect (default: ${DEFAULT-VALUE}).")
        long timeoutNanos;

        @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
                description = "Report on stdout as a table or as one JSON object (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
        Path json;

        @Option(names = "--progress", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
                description = "Interval of progress lines on stderr; 0 for none (default: ${DEFAULT-VALUE}).")
        long progressNanos;

        int threads() {
            return threads != null ? threads : Runtime.getRuntime().availableProcessors();
        }

        int connectTimeoutMillis() {
            return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        }

        String targetText() {
            return target.getHostString() + ":" + target.getPort();
        }
    }

    /** How the workloads that stream a payload end each connection. */
    static final class HalfClose {
        @Option(names = "--half-close", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Half-close after sending and expect the server's EOF; else close after the echo (default: ${DEFAULT-VALUE}).")
        boolean halfClose;
    }

    /** Options of the workloads that repeat a message for a measured duration after a warm-up. */
    static final class TimedMessages {
        @Option(names = { "-m", "--message-size" }, paramLabel = "BYTES", defaultValue = "64", converter = SizeConverter.class,
                description = "Bytes per message (default: ${DEFAULT-VALUE}).")
        long messageSize;

        @Option(names = { "-d", "--duration" }, paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
                description = "Measured duration (default: ${DEFAULT-VALUE}).")
        long durationNanos;

        @Option(names = { "-w", "--warmup" }, paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
                description = "Unmeasured warm-up before it (default: ${DEFAULT-VALUE}).")
        long warmupNanos;

        void validate(Workload workload) {
            workload.positive("--message-size", messageSize);
            workload.positive("--duration", durationNanos);
            if (messageSize > Integer.MAX_VALUE) {
                throw new ParameterException(workload.spec.commandLine(), "--message-size must be below 2 GiB");
            }
        }

        LoadResult describe(LoadResult result) {
            return result.parameter("messageSize", messageSize).parameter("durationSeconds", durationNanos / 1e9)
                    .parameter("warmupSeconds", warmupNanos / 1e9);
        }
    }

    /** Runs one workload with the common options and reports. */
    abstract static class Workload implements Callable<Integer> {
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
                    return EXIT_FAILED;
                }
            }
            if (!result.ok()) {
                spec.commandLine().getErr().println("load: FAILED: " + result.failure);
                return EXIT_FAILED;
            }
            return 0;
        }
    }

    @Command(name = "bulk", mixinStandardHelpOptions = true,
            description = "N connections each stream SIZE bytes full duplex, then half-close and expect the rest and EOF.")
    static final class Bulk extends Workload {
        @Option(names = { "-c", "--connections" }, defaultValue = "1", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Option(names = { "-s", "--size" }, paramLabel = "BYTES", defaultValue = "32MiB", converter = SizeConverter.class,
                description = "Bytes each connection streams (default: ${DEFAULT-VALUE}).")
        long size;

        @Option(names = "--chunk", paramLabel = "BYTES", defaultValue = "64KiB", converter = SizeConverter.class,
                description = "Bytes per write (default: ${DEFAULT-VALUE}).")
        long chunk;

        @Mixin
        HalfClose end;

        @Override
        void validate() {
            positive("--connections", connections);
            positive("--size", size);
            positive("--chunk", chunk);
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            result.parameter("connections", connections).parameter("size", size).parameter("chunk", chunk)
                    .parameter("halfClose", end.halfClose).latencyOf("time to echo a connection's whole stream");
            return BulkWorkload.run(run, result, connections, size, (int) Math.min(chunk, 1 << 30), end.halfClose,
                    common.connectTimeoutMillis());
        }
    }

    @Command(name = "pingpong", mixinStandardHelpOptions = true,
            description = "N connections, one message of SIZE bytes in flight each, for a duration; measures round trips.")
    static final class PingPong extends Workload {
        @Option(names = { "-c", "--connections" }, defaultValue = "64", description = "Connections (default: ${DEFAULT-VALUE}).")
        int connections;

        @Mixin
        TimedMessages timed;

        @Override
        void validate() {
            positive("--connections", connections);
            timed.validate(this);
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            timed.describe(result.parameter("connections", connections)).latencyOf("message round trip");
            return PingPongWorkload.run(run, result, connections, (int) timed.messageSize, timed.warmupNanos,
                    timed.durationNanos, common.connectTimeoutMillis());
        }
    }

    @Command(name = "churn", mixinStandardHelpOptions = true,
            description = "N parallel slots: connect, send SIZE bytes, half-close, read them and EOF back, close, repeat.")
    static final class Churn extends Workload {
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
            timed.validate(this);
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            timed.describe(result.parameter("connections", slots)).parameter("halfClose", end.halfClose)
                    .latencyOf("connection, connect to close");
            return ChurnWorkload.run(run, result, slots, (int) timed.messageSize, end.halfClose, timed.warmupNanos,
                    timed.durationNanos, common.connectTimeoutMillis());
        }
    }

    @Command(name = "idle", mixinStandardHelpOptions = true,
            description = "Open N connections, hold them idle, then check that each still echoes SIZE bytes and EOF.")
    static final class Idle extends Workload {
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
            return IdleWorkload.run(run, result, connections, concurrency, (int) messageSize, holdNanos,
                    common.connectTimeoutMillis());
        }
    }

    @Command(name = "flood", mixinStandardHelpOptions = true,
            description = "N connections send up to SIZE bytes each without reading; after the hold, each reads its echo, "
                    + "half-closes and expects every byte and EOF back.")
    static final class Flood extends Workload {
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
            if (holdNanos < 0) {
                throw new ParameterException(spec.commandLine(), "--hold must not be negative");
            }
        }

        @Override
        LoadResult execute(LoadRun run, LoadResult result) throws InterruptedException {
            result.parameter("connections", connections).parameter("size", size).parameter("chunk", chunk)
                    .parameter("holdSeconds", holdNanos / 1e9).latencyOf("end of the hold to the connection's EOF");
            return FloodWorkload.run(run, result, connections, concurrency, size, (int) Math.min(chunk, 1 << 30),
                    holdNanos, (int) sendBuffer, common.connectTimeoutMillis());
        }
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (loopback). */
    static final class TargetConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                host = "127.0.0.1";
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' has no valid port");
            }
            if (port < 1 || port > 65535) {
                throw new TypeConversionException("port " + port + " is out of range 1-65535");
            }
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new TypeConversionException("cannot resolve host '" + host + "'");
            }
            return address;
        }
    }

    /** Bytes with an optional unit: 64, 64B, 4K, 4Ki, 4KiB, 32M, 32MiB, 1G (units are powers of 1024). */
    static final class SizeConverter implements ITypeConverter<Long> {
        private static final Pattern SIZE =
                Pattern.compile("(\\d+)\\s*([kmgt]?)(ib|b|i)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && !m.group(3).equalsIgnoreCase("b"))) {
                throw new TypeConversionException("'" + value + "' is not a size such as 64, 4KiB, 32MiB or 1GiB");
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            try {
                long number = Long.parseLong(m.group(1));
                if (number > (Long.MAX_VALUE >> shift)) {
                    throw new NumberFormatException();
                }
                return number << shift;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is too large");
            }
        }
    }

    /** A duration in nanoseconds: 500ms, 10s, 2m, 1h; a bare number is seconds. */
    static final class DurationConverter implements ITypeConverter<Long> {
        private static final Pattern DURATION =
                Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = DURATION.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 10s, 2m or 1h");
            }
            double number = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
            double nanos = switch (unit) {
                case "ms" -> number * 1e6;
                case "m" -> number * 60e9;
                case "h" -> number * 3600e9;
                default -> number * 1e9;
            };
            if (nanos > 365 * 24 * 3600e9) {
                throw new TypeConversionException("'" + value + "' is too long");
            }
            return (long) nanos;
        }
    }
}
