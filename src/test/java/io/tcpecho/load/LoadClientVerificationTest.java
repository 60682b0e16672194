package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.ServerProcess;
import picocli.CommandLine;

/**
 * The client must pass against a correct echo and fail, with exit status 1 and a reason, against each kind of
 * broken one.
 */
class LoadClientVerificationTest {

    record Outcome(int exit, String out, String err) {
    }

    static Outcome load(String... args) {
        CommandLine cli = LoadCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    private static Outcome against(Fault fault, String... args) throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(fault)) {
            String[] all = new String[args.length + 6];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(new String[] { "--target", server.target(), "--timeout", "2s", "--progress", "0" }, 0, all,
                    args.length, 6);
            return load(all);
        }
    }

    @Test
    void passesAgainstACorrectEcho() throws Exception {
        assertThat(against(Fault.NONE, "bulk", "-c", "3", "-s", "300KiB").exit()).isZero();
        assertThat(against(Fault.NONE, "churn", "-c", "2", "-d", "300ms", "-w", "0").exit()).isZero();
    }

    @Test
    void failsWhenTheTailIsDroppedAfterHalfClose() throws Exception {
        Outcome outcome = against(Fault.DROP_TAIL_AFTER_HALF_CLOSE, "bulk", "-c", "2", "-s", "200KiB");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).contains("FAILED").contains("EOF early");
        assertThat(outcome.out()).contains("FAILED");
    }

    @Test
    void failsOnACorruptedByte() throws Exception {
        Outcome outcome = against(Fault.CORRUPT_BYTE, "bulk", "-s", "64KiB");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).contains("echoed byte 1000 differs");
        Outcome pingpong = against(Fault.CORRUPT_BYTE, "pingpong", "-c", "2", "-m", "100", "-d", "1s", "-w", "0");
        assertThat(pingpong.exit()).isEqualTo(1);
        assertThat(pingpong.err()).contains("echoed byte 1000 differs");
    }

    @Test
    void failsOnAReset() throws Exception {
        Outcome outcome = against(Fault.RESET, "bulk", "-s", "1MiB");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).containsAnyOf("connection failed", "closed the connection");
    }

    @Test
    void failsWithoutEofAfterHalfClose() throws Exception {
        Outcome outcome = against(Fault.NO_EOF, "churn", "-c", "1", "-d", "200ms", "-w", "0");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).contains("no EOF from the server");
    }

    @Test
    void failsOnExtraBytes() throws Exception {
        Outcome outcome = against(Fault.EXTRA_BYTE, "bulk", "-s", "64KiB");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).containsAnyOf("more than the client had sent", "differs");
    }

    @Test
    void failsWhenIdleConnectionsAreClosed() throws Exception {
        Outcome outcome = against(Fault.CLOSE_AT_ONCE, "idle", "-c", "20", "--hold", "200ms");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).containsAnyOf("EOF early", "closed the connection", "connection failed");
    }

    @Test
    void failsWhenNothingListens() throws Exception {
        int port = ServerProcess.freePort();
        Outcome outcome = load("bulk", "--target", "127.0.0.1:" + port, "--progress", "0");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).contains("cannot connect");
    }

    @Test
    void rejectsBadArgumentsWithOneLine() {
        for (String[] args : new String[][] { {}, { "nonsense" }, { "bulk", "--size", "lots" },
                { "pingpong", "--target", "nohostport" }, { "churn", "-c", "0" }, { "idle", "--hold", "-1s" } }) {
            Outcome outcome = load(args);
            assertThat(outcome.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
        }
    }

    @Test
    void parsesSizesAndDurations() {
        LoadConverters.SizeConverter sizes = new LoadConverters.SizeConverter();
        assertThat(sizes.convert("64")).isEqualTo(64);
        assertThat(sizes.convert("64B")).isEqualTo(64);
        assertThat(sizes.convert("4K")).isEqualTo(4096);
        assertThat(sizes.convert("4Ki")).isEqualTo(4096);
        assertThat(sizes.convert("32MiB")).isEqualTo(32L << 20);
        assertThat(sizes.convert("1gib")).isEqualTo(1L << 30);
        LoadConverters.DurationConverter durations = new LoadConverters.DurationConverter();
        assertThat(durations.convert("500ms")).isEqualTo(500_000_000L);
        assertThat(durations.convert("10")).isEqualTo(10_000_000_000L);
        assertThat(durations.convert("2m")).isEqualTo(120_000_000_000L);
        for (String bad : new String[] { "lots", "1Xi", "iB", "-1", "1.5M" }) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sizes.convert(bad)).as(bad)
                    .isInstanceOf(picocli.CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void writesJson() throws Exception {
        java.nio.file.Path json = java.nio.file.Files.createTempFile("load", ".json");
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            Outcome outcome = load("pingpong", "-c", "2", "-d", "300ms", "-w", "0", "--target", server.target(),
                    "--format", "json", "--json", json.toString(), "--progress", "0");
            assertThat(outcome.exit()).isZero();
            JsonNode printed = new ObjectMapper().readTree(outcome.out());
            assertThat(printed.path("workload").asText()).isEqualTo("pingpong");
            assertThat(printed.path("ok").asBoolean()).isTrue();
            assertThat(printed.path("parameters").path("connections").asInt()).isEqualTo(2);
            assertThat(printed.path("messages").asLong()).isPositive();
            assertThat(printed.path("latencyMicros").path("p99_9").asDouble()).isPositive();
            assertThat(new ObjectMapper().readTree(json.toFile())).as("the --json file").isEqualTo(printed);
        } finally {
            java.nio.file.Files.deleteIfExists(json);
        }
    }
}
