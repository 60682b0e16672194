package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.whoami.WhoamiServer;
import io.vertx.core.json.JsonObject;

/** {@code load spread} against the real whoami listener of one server: one pod, every connection answered. */
@QuarkusTest
class SpreadAgainstWhoamiTest {

    @Inject
    WhoamiServer whoami;

    @Test
    void everyConnectionIsAnsweredByThePodAndSeenFromTheClientsAddress() {
        JsonObject report = spread("-c", "20", "-p", "4", "--bind", "127.0.0.9");
        assertThat(report.getBoolean("ok")).isTrue();
        assertThat(report.getLong("answered")).isEqualTo(20);
        assertThat(report.getJsonObject("pods").fieldNames()).singleElement()
                .satisfies(pod -> assertThat(report.getJsonObject("pods").getJsonObject(pod).getLong("connections")).isEqualTo(20));
        assertThat(report.getJsonObject("clients").getMap()).containsExactly(Map.entry("127.0.0.9", 20));
        assertThat(report.getJsonObject("proxyProtocol").getMap()).containsExactly(Map.entry("none", 20));
        assertThat(report.getValue("chiSquare")).as("one pod: nothing to compare").isNull();
    }

    @Test
    void fewerPodsThanExpectedFailTheRunAndMakeTheSpreadInfinitelyUneven() {
        Outcome outcome = LoadClient.run("spread", "-t", target(), "-c", "10", "--expect-pods", "2", "--format", "json");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("load: FAILED: 1 of 2 expected pods answered" + System.lineSeparator());
        JsonObject report = new JsonObject(outcome.out().strip());
        assertThat(report.getBoolean("ok")).isFalse();
        assertThat(report.getString("failure")).isEqualTo("1 of 2 expected pods answered");
        assertThat(report.getValue("maxOverMin")).as("10 over 0").isNull();
        assertThat(report.getDouble("pValue")).isLessThan(0.01);

        Outcome table = LoadClient.run("spread", "-t", target(), "-c", "1", "--expect-pods", "3");
        assertThat(table.exit()).isEqualTo(1);
        assertThat(table.out()).startsWith("spread     1 connection to " + target() + ", 1 at a time: 1 of 3 expected pods "
                + "answered\n").contains("\nresult     FAILED: 1 of 3 expected pods answered\n");
    }

    @Test
    void asManyPodsAsExpectedPassAndOneIsOne() {
        Outcome outcome = LoadClient.run("spread", "-t", target(), "-c", "1", "--expect-pods", "1");
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        assertThat(outcome.out()).startsWith("spread     1 connection to " + target() + ", 1 at a time: 1 pod answered\n")
                .contains("\nresult     OK, every connection answered\n");
        assertThat(outcome.err()).isEmpty();
    }

    @Test
    void oneSourcePortCanBeReusedForEveryConnection() throws Exception {
        int port = ServerProcess.freePort();
        JsonObject report = spread("-c", "5", "--bind", "127.0.0.1:" + port);
        assertThat(report.getLong("answered")).isEqualTo(5);
    }

    @Test
    void connectionsAreDashCAsInEveryWorkloadAndTheOldDashNStillWorksWithANote() {
        Outcome old = LoadClient.run("spread", "-t", target(), "-n", "4", "--format", "json");
        assertThat(old.exit()).isZero();
        assertThat(new JsonObject(old.out().strip()).getLong("answered")).isEqualTo(4);
        assertThat(old.err()).contains("load spread: -n is now -c (--connections), as in every other workload");

        Outcome help = LoadClient.run("spread", "--help");
        assertThat(help.out()).contains("-c, --connections=N").doesNotContainPattern("(^|\\s)-n\\b");
    }

    @Test
    void whenNothingConnectsTheReportIsTheErrorAlone() throws Exception {
        String closed = "127.0.0.1:" + ServerProcess.freePort();
        assertNothingConnected(LoadClient.run("spread", "-t", closed, "-c", "3", "--expect-pods", "2"),
                "3 connections to " + closed + ", 1 at a time",
                "3 connections failed, first: cannot connect to " + closed + ": ConnectException: Connection refused");
        // 192.0.2.1 (TEST-NET-1) is no address of this machine.
        assertNothingConnected(LoadClient.run("spread", "-t", target(), "-c", "1", "--bind", "192.0.2.1"),
                "1 connection to " + target() + ", 1 at a time",
                "1 connection failed, first: cannot bind 192.0.2.1:0: BindException: ");
    }

    /** Two lines, what was tried and why it failed: no pods, no evenness, no clients. */
    private static void assertNothingConnected(Outcome outcome, String tried, String failure) {
        assertThat(outcome.exit()).as(outcome.err()).isEqualTo(1);
        assertThat(outcome.out().strip().lines()).satisfiesExactly(
                spread -> assertThat(spread).isEqualTo("spread     " + tried),
                result -> assertThat(result).startsWith("result     FAILED: " + failure));
        assertThat(outcome.err()).startsWith("load: FAILED: " + failure).doesNotContain("pods");
    }

    @Test
    void aPortReusedInParallelIsRefused() {
        Outcome usage = LoadClient.run("spread", "--bind", "127.0.0.1:40000", "-p", "2");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--bind with a port reuses it: it needs --parallel 1");
    }

    private String target() {
        return "127.0.0.1:" + whoami.port();
    }

    private JsonObject spread(String... options) {
        String[] args = new String[options.length + 5];
        args[0] = "spread";
        args[1] = "-t";
        args[2] = target();
        args[3] = "--format";
        args[4] = "json";
        System.arraycopy(options, 0, args, 5, options.length);
        Outcome outcome = LoadClient.run(args);
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }
}
