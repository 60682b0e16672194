package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.ServerProcess;

/**
 * The client must pass against a correct echo and fail, with exit status 1 and a reason, against each kind of
 * broken one.
 */
class LoadClientVerificationTest {

    private static Outcome against(Fault fault, String... args) throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(fault)) {
            String[] all = new String[args.length + 6];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(new String[] { "--target", server.target(), "--timeout", "2s", "--progress", "0" }, 0, all,
                    args.length, 6);
            return LoadClient.run(all);
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
        assertThat(outcome.err()).contains("FAILED").containsPattern("EOF at byte \\d+ of 204800 sent after \\d+ ms \\(client had half-closed\\)");
        assertThat(outcome.out()).contains("FAILED");
    }

    @Test
    void failsOnACorruptedByte() throws Exception {
        Outcome outcome = against(Fault.CORRUPT_BYTE, "bulk", "-s", "64KiB");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).containsPattern("corrupted at byte 1000 after \\d+ ms: expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}");
        Outcome pingpong = against(Fault.CORRUPT_BYTE, "pingpong", "-c", "2", "-m", "100", "-d", "1s", "-w", "0");
        assertThat(pingpong.exit()).isEqualTo(1);
        assertThat(pingpong.err()).contains("corrupted at byte 1000");
    }

    @Test
    void failsOnAReset() throws Exception {
        Outcome outcome = against(Fault.RESET, "bulk", "-s", "1MiB");
        assertThat(outcome.exit()).isEqualTo(1);
        // The reset may overtake the bytes echoed before it: the client reports where it saw it.
        assertThat(outcome.err()).containsPattern("reset (at byte \\d+ of \\d+ sent|before any echo) after \\d+ ms");
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
        assertThat(outcome.err()).containsAnyOf("more than the client had sent", "corrupted at byte");
    }

    @Test
    void failsWhenIdleConnectionsAreClosed() throws Exception {
        Outcome outcome = against(Fault.CLOSE_AT_ONCE, "idle", "-c", "20", "--hold", "200ms");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).containsAnyOf("closed at accept", "refused or reset at accept", "EOF at byte");
    }

    @Test
    void failsWhenNothingListens() throws Exception {
        int port = ServerProcess.freePort();
        Outcome outcome = LoadClient.run("bulk", "--target", "127.0.0.1:" + port, "--progress", "0");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).contains("cannot connect");
    }

    @Test
    void rejectsBadArgumentsWithOneLine() {
        for (String[] args : new String[][] { {}, { "nonsense" }, { "bulk", "--size", "lots" },
                { "pingpong", "--target", "nohostport" }, { "churn", "-c", "0" }, { "idle", "--hold", "-1s" } }) {
            Outcome outcome = LoadClient.run(args);
            assertThat(outcome.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
        }
    }

    @Test
    void anUnknownWorkloadIsNamedWithTheWorkloadsThereAre() {
        assertUsage("load: unknown workload 'nosuch'; workloads: bulk, pingpong, churn, idle, flood, steady, spread, udp", "nosuch");
        assertUsage("load: missing workload; workloads: bulk, pingpong, churn, idle, flood, steady, spread, udp (see 'load --help')");
    }

    @Test
    void aBadValueIsReportedAloneWithTheConstraintItBreaks() {
        assertUsage("load udp: --message-size must be 16 to 65507, got 8 (see 'load udp --help')", "udp", "-m", "8");
        assertUsage("load udp: --max-loss must be 0 to 100, got 100.5 (see 'load udp --help')", "udp", "--max-loss", "100.5");
        assertUsage("load udp: --rate must be positive, got 0 (see 'load udp --help')", "udp", "-r", "0", "-m", "8");
        assertUsage("load spread: --parallel must be positive, got 0 (see 'load spread --help')", "spread", "-p", "0");
        assertUsage("load spread: --expect-pods must not be negative, got -1 (see 'load spread --help')", "spread",
                "--expect-pods", "-1");
    }

    private static void assertUsage(String line, String... args) {
        Outcome outcome = LoadClient.run(args);
        assertThat(outcome.exit()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(outcome.err()).as(String.join(" ", args)).isEqualTo(line + System.lineSeparator());
        assertThat(outcome.out()).isEmpty();
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
            Outcome outcome = LoadClient.run("pingpong", "-c", "2", "-d", "300ms", "-w", "0", "--target", server.target(),
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
