package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.vertx.core.json.JsonObject;

/** Every workload verifies cleanly against the real echo server. */
@QuarkusTest
class LoadClientAgainstEchoServerTest {

    @Inject
    EchoServer server;

    private Outcome load(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] { "--target", "127.0.0.1:" + server.port(), "--timeout", "5s", "--progress", "0" },
                0, all, args.length, 6);
        return LoadClient.run(all);
    }

    private void passes(String... args) {
        Outcome outcome = load(args);
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        assertThat(outcome.out()).contains("OK, every echoed byte verified");
    }

    @Test
    void bulkWithHalfClose() {
        passes("bulk", "-c", "4", "-s", "4MiB");
    }

    @Test
    void bulkWithoutHalfClose() {
        passes("bulk", "-c", "2", "-s", "1MiB", "--no-half-close");
    }

    /**
     * With a warm-up, bulk counts what follows it: fewer bytes than the streams' whole, every one of them verified, over
     * a window that opens when the warm-up ends.
     */
    @Test
    void bulkWithWarmupMeasuresWhatFollowsIt() {
        Outcome outcome = load("bulk", "-c", "2", "-s", "256MiB", "-w", "100ms", "--format", "json");
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        JsonObject report = new JsonObject(outcome.out().strip());

        assertThat(report.getBoolean("ok")).isTrue();
        assertThat(report.getJsonObject("parameters").getDouble("warmupSeconds")).isEqualTo(0.1);
        assertThat(report.getLong("bytesSent")).isEqualTo(512L << 20);
        assertThat(report.getLong("bytesEchoed")).isPositive().isLessThan(512L << 20);
        Instant started = Instant.parse(report.getString("startedAt"));
        Instant windowStart = Instant.parse(report.getJsonObject("window").getString("start"));
        assertThat(Duration.between(started, windowStart)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(report.getLong("connections")).isEqualTo(2);
    }

    @Test
    void bulkThatEndsWithinItsWarmupFailsSayingSo() {
        Outcome outcome = load("bulk", "-c", "2", "-s", "64KiB", "-w", "2s");

        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.out()).contains("FAILED: every stream was echoed within the warm-up, which leaves nothing "
                + "to measure: stream more (--size) or warm up less (--warmup)");
    }

    @Test
    void pingpong() {
        passes("pingpong", "-c", "8", "-m", "100", "-d", "500ms", "-w", "100ms");
    }

    @Test
    void churn() {
        passes("churn", "-c", "4", "-d", "500ms", "-w", "100ms");
        passes("churn", "-c", "2", "-d", "200ms", "-w", "0", "--no-half-close");
    }

    @Test
    void idle() {
        passes("idle", "-c", "200", "--hold", "300ms");
    }

    @Test
    void floodThatDoesNotReadThenReadsEverything() {
        passes("flood", "-c", "20", "-s", "512KiB", "--hold", "500ms", "--send-buffer", "64KiB");
    }
}
