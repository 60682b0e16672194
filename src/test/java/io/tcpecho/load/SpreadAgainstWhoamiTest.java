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
    void aPodExpectedButNeverSeenMakesTheSpreadInfinitelyUneven() {
        JsonObject report = spread("-c", "10", "--expect-pods", "2");
        assertThat(report.getValue("maxOverMin")).as("10 over 0").isNull();
        assertThat(report.getDouble("pValue")).isLessThan(0.01);
    }

    @Test
    void oneSourcePortCanBeReusedForEveryConnection() throws Exception {
        int port = ServerProcess.freePort();
        JsonObject report = spread("-c", "5", "--bind", "127.0.0.1:" + port);
        assertThat(report.getLong("answered")).isEqualTo(5);
    }

    @Test
    void connectionsAreDashCAsInEveryWorkloadAndTheOldDashNStillWorksWithANote() {
        Outcome old = LoadClient.run("spread", "-t", "127.0.0.1:" + whoami.port(), "-n", "4", "--format", "json");
        assertThat(old.exit()).isZero();
        assertThat(new JsonObject(old.out().strip()).getLong("answered")).isEqualTo(4);
        assertThat(old.err()).contains("load spread: -n is now -c (--connections), as in every other workload");

        Outcome help = LoadClient.run("spread", "--help");
        assertThat(help.out()).contains("-c, --connections=N").doesNotContainPattern("(^|\\s)-n\\b");
    }

    @Test
    void noAnswerFailsTheRunAndAPortReusedInParallelIsRefused() throws Exception {
        Outcome closed = LoadClient.run("spread", "-t", "127.0.0.1:" + ServerProcess.freePort(), "-c", "3");
        assertThat(closed.exit()).isEqualTo(1);
        assertThat(closed.out()).contains("FAILED: 3 connections, first: java.net.ConnectException");

        Outcome usage = LoadClient.run("spread", "--bind", "127.0.0.1:40000", "-p", "2");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--bind with a port reuses it: it needs --parallel 1");
    }

    private JsonObject spread(String... options) {
        String[] args = new String[options.length + 5];
        args[0] = "spread";
        args[1] = "-t";
        args[2] = "127.0.0.1:" + whoami.port();
        args[3] = "--format";
        args[4] = "json";
        System.arraycopy(options, 0, args, 5, options.length);
        Outcome outcome = LoadClient.run(args);
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }
}
