package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;

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
