package io.tcpecho.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.tcpecho.load.LoadConverters.DurationConverter;
import io.tcpecho.load.LoadConverters.SizeConverter;
import io.tcpecho.load.LoadConverters.TargetConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Option groups the workloads share (picocli mixins). */
final class LoadOptions {

    private LoadOptions() {
    }

    /** An address as the user wrote it: {@code host:port}, no resolved form, no slash. */
    static String text(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /** Stops the command line (usage, status 2) with the one constraint broken, unless {@code value} is positive. */
    static void positive(CommandSpec spec, String option, long value) {
        require(spec, value > 0, option + " must be positive, got " + value);
    }

    /** As {@link #positive}, unless {@code value} is 0 or more. */
    static void notNegative(CommandSpec spec, String option, long value) {
        require(spec, value >= 0, option + " must not be negative, got " + value);
    }

    /** As {@link #positive}, unless {@code value} is from {@code min} to {@code max}. */
    static void within(CommandSpec spec, String option, double value, long min, long max) {
        require(spec, value >= min && value <= max, option + " must be " + min + " to " + max + ", got "
                + (value == (long) value ? String.valueOf((long) value) : String.valueOf(value)));
    }

    private static void require(CommandSpec spec, boolean met, String constraint) {
        if (!met) {
            throw new ParameterException(spec.commandLine(), constraint);
        }
    }

    enum Format {
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

        @Option(names = "--expect", paramLabel = "FAULT[=VALUE]", converter = FaultExpectation.Converter.class,
                completionCandidates = FaultExpectation.Faults.class,
                description = "A fault every connection must meet, as the server's fault port is configured: "
                        + "${COMPLETION-CANDIDATES}. The run passes when every connection ends so, and fails when "
                        + "one does not (bulk, churn and pingpong).")
        FaultExpectation expect;

        @Mixin
        Report report;

        @Mixin
        ClientTls tls;

        @Option(names = "--progress", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
                description = "Interval of progress lines on stderr; 0 for none (default: ${DEFAULT-VALUE}).")
        long progressNanos;

        int threads() {
            return threads != null ? threads : Runtime.getRuntime().availableProcessors();
        }


        String targetText() {
            return text(target);
        }
    }

    /** Where the report goes: stdout as a table or JSON, and a JSON file. */
    static final class Report {
        @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
                description = "Report on stdout as a table or as one JSON object (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
        Path json;

        /**
         * Prints the report and, when the run failed, why on stderr ({@code load: FAILED: <reason>}); returns the exit
         * status: 0, or 1 when the run failed or the JSON file cannot be written (one line on stderr says so).
         *
         * @param failure why the run failed; null when it did not
         */
        int print(CommandSpec spec, String table, String jsonReport, String failure) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(format == Format.JSON ? jsonReport : table);
            out.flush();
            boolean written = json == null || write(spec, jsonReport);
            if (failure != null) {
                spec.commandLine().getErr().println("load: FAILED: " + failure);
            }
            return written && failure == null ? 0 : LoadCli.EXIT_FAILED;
        }

        private boolean write(CommandSpec spec, String jsonReport) {
            try {
                Files.writeString(json, jsonReport + System.lineSeparator(), StandardCharsets.UTF_8);
                return true;
            } catch (IOException e) {
                spec.commandLine().getErr().println("load: cannot write " + json + ": " + e.getMessage());
                return false;
            }
        }
    }

    /** How the workloads that stream a payload end each connection. */
    static final class HalfClose {
        @Option(names = "--half-close", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Half-close after sending and expect the server's EOF; else close after the echo (default: ${DEFAULT-VALUE}).")
        boolean halfClose;

        /**
         * Whether this run half-closes: not while it expects a stall, since a stall port lets a client go at its FIN (so
         * that clients that leave hold nothing): to see the stall, the client keeps its side open.
         */
        boolean halfClose(LoadRun run) {
            return halfClose && (run.expectation == null || !run.expectation.isStall());
        }
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
}
