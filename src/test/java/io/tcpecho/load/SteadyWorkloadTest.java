package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code load steady} against test servers that end connections on purpose, each way counted exactly: a FIN between
 * messages as no loss, a reset at its byte with the bytes in flight lost, failed connects by cause; the identity line,
 * the timeline, and the budgets failing and passing.
 */
class SteadyWorkloadTest {

    /** A whoami answer as the identity listener sends it first. */
    private static final String IDENTITY = new JsonObject().put("pod", "echo-7d9f-a").put("node", "node-1")
            .put("podIp", "10.0.0.7").put("client", "127.0.0.1:40000").put("connection", 1).encode();

    private static Outcome steady(String target, String... args) {
        List<String> all = new ArrayList<>(List.of("steady", "--target", target, "--timeout", "2s", "--progress", "0"));
        all.addAll(List.of(args));
        return LoadClient.run(all.toArray(String[]::new));
    }

    private static JsonObject json(Outcome outcome) {
        return new JsonObject(outcome.out().strip());
    }

    @Test
    void aCorrectEchoLosesNothingAndEveryConnectionLastsToTheEnd() throws Exception {
        Path timeline = Files.createTempFile("steady", ".jsonl");
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            Outcome outcome = steady(server.target(), "-c", "3", "-m", "100", "-r", "50", "-d", "3s",
                    "--probe-interval", "200ms", "--timeline", timeline.toString(), "--max-broken", "0",
                    "--max-lost-bytes", "0", "--max-failed-connects", "0", "--format", "json");
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            JsonObject report = json(outcome);
            assertThat(report.getBoolean("ok")).isTrue();
            assertThat(report.getLong("connectionsOpened")).isEqualTo(3);
            assertThat(report.getJsonObject("ended").fieldNames()).containsOnly("client-closed");
            assertThat(report.getJsonObject("ended").getLong("client-closed")).isEqualTo(3);
            assertThat(report.getLong("lostBytes")).isZero();
            assertThat(report.getLong("messages")).isPositive();
            JsonObject fresh = report.getJsonObject("newConnections");
            assertThat(fresh.getLong("probes")).isPositive().isEqualTo(fresh.getLong("probesOk"));
            assertThat(fresh.getJsonArray("outages")).isEmpty();
            assertThat(report.getJsonObject("establishedConnections").getJsonArray("outages")).isEmpty();
            assertThat(report.getJsonObject("establishedConnections").getDouble("availability")).isEqualTo(1.0);
            assertThat(report.getValue("backends")).as("rows per pod come with --identity").isNull();
            assertThat(report.getJsonArray("budgets")).hasSize(3)
                    .allSatisfy(budget -> assertThat(((JsonObject) budget).getBoolean("ok")).isTrue());
            JsonObject cpu = report.getJsonObject("clientCpu");
            assertThat(cpu.getDouble("seconds")).as("the client's own CPU time: it verified every echo").isPositive();
            double messagesPerSecond = report.getLong("messages") / report.getDouble("seconds");
            assertThat(cpu.getDouble("coresPerThousandMessagesPerSecond")).as("cores per 1,000 messages/s")
                    .isCloseTo(cpu.getDouble("cores") / (messagesPerSecond / 1000), within(0.001));

            List<String> lines = Files.readAllLines(timeline);
            assertThat(lines).as("one line per second of the run").hasSize(3);
            long messages = 0;
            for (int i = 0; i < lines.size(); i++) {
                JsonObject second = new JsonObject(lines.get(i));
                assertThat(second.getLong("second")).isEqualTo(i);
                assertThat(second.fieldNames()).contains("active", "new", "ended", "failedConnects", "probesOk",
                        "probesFailed", "messages", "rttP99Micros");
                messages += second.getLong("messages");
            }
            assertThat(messages).as("the seconds add up to the run").isEqualTo(report.getLong("messages"));
            assertThat(new JsonObject(lines.get(0)).getLong("new")).isEqualTo(3);
            assertThat(new JsonObject(lines.get(2)).getJsonObject("ended").getLong("client-closed")).isEqualTo(3);
        } finally {
            Files.deleteIfExists(timeline);
        }
    }

    @Test
    void theServersFinBetweenMessagesIsNoLossAndTheConnectionIsReplaced() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.FIN_AFTER_10_000_BYTES)) {
            // The server's FIN follows its tenth echo at once; the next message waits for the rate's turn, 100 ms.
            Outcome outcome = steady(server.target(), "-c", "4", "-m", "1000", "-r", "10", "-d", "3s",
                    "--max-lost-bytes", "0", "--max-broken", "0", "--format", "json");
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            JsonObject report = json(outcome);
            JsonObject ended = report.getJsonObject("ended");
            assertThat(ended.getLong("server-fin-between-messages")).as("ten messages each, then the FIN").isPositive();
            assertThat(ended.fieldNames()).containsOnly("server-fin-between-messages", "client-closed");
            assertThat(report.getLong("lostBytes")).isZero();
            assertThat(report.getLong("broken")).isZero();
            assertThat(report.getLong("connectionsOpened"))
                    .isEqualTo(ended.getLong("server-fin-between-messages") + ended.getLong("client-closed"));
            assertThat(report.getJsonObject("reconnectMillis").getLong("count"))
                    .isEqualTo(ended.getLong("server-fin-between-messages"));
        }
    }

    @Test
    void aResetIsCountedAtItsByteWithTheMessageInFlightLost() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.RESET)) {
            Outcome outcome = steady(server.target(), "-c", "2", "-m", "1000", "-r", "200", "-d", "2s", "--max-broken", "0",
                    "--format", "json");
            assertThat(outcome.exit()).isEqualTo(1);
            JsonObject report = json(outcome);
            long resets = report.getJsonObject("ended").getLong("reset");
            assertThat(resets).isPositive();
            assertThat(report.getLong("broken")).isEqualTo(resets);
            // The server echoes 10 messages and resets as the 11th comes: 1000 bytes lost each time.
            JsonArray broken = report.getJsonArray("brokenConnections");
            assertThat(broken).hasSize((int) resets).allSatisfy(b -> {
                JsonObject connection = (JsonObject) b;
                assertThat(connection.getString("ending")).isEqualTo("reset");
                assertThat(connection.getLong("atByte")).isEqualTo(10_000);
                assertThat(connection.getLong("sent")).isEqualTo(11_000);
                assertThat(connection.getLong("lostBytes")).isEqualTo(1000);
            });
            assertThat(report.getLong("lostBytes")).isEqualTo(1000 * resets);
            assertThat(report.getString("failure")).isEqualTo("over budget: broken connections " + resets + " > 0 (by "
                    + resets + ")");
            assertThat(outcome.err()).isEqualTo("load: FAILED: " + report.getString("failure") + System.lineSeparator());
        }
    }

    @Test
    void failedConnectsAreCountedByCauseAndNewConnectionsAreOutTheWholeRun() throws Exception {
        int port = ServerProcess.freePort();
        Outcome outcome = steady("127.0.0.1:" + port, "-c", "2", "-d", "1s", "--max-failed-connects", "1");
        assertThat(outcome.exit()).isEqualTo(1);
        assertThat(outcome.out()).containsPattern("connects +\\d+ failed: refused \\d+\n")
                .containsPattern("new +availability 0\\.000% \\(0 of \\d+ probes ok; failed: connect-refused \\d+\\)")
                .containsPattern("result +FAILED: over budget: failed connects \\d+ > 1 \\(by \\d+\\)");
        Outcome within = steady("127.0.0.1:" + port, "-c", "1", "-d", "1s", "--max-failed-connects", "1000",
                "--format", "json");
        assertThat(within.exit()).as("a budget kept").isZero();
        JsonObject report = json(within);
        assertThat(report.getJsonObject("failedConnects").getJsonObject("byCause").fieldNames()).containsOnly("refused");
        JsonObject outage = report.getJsonObject("newConnections").getJsonArray("outages").getJsonObject(0);
        assertThat(outage.getDouble("endSeconds")).isEqualTo(report.getDouble("seconds"));
    }

    @Test
    void theIdentityLineNamesEachConnectionsPodAndIsNoPartOfTheEcho() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.FIN_AFTER_10_000_BYTES, IDENTITY)) {
            Outcome outcome = steady(server.target(), "--identity", "-c", "2", "-m", "1000", "-r", "10", "-d", "2s",
                    "--format", "json");
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            JsonObject report = json(outcome);
            JsonObject pod = report.getJsonObject("backends").getJsonObject("echo-7d9f-a");
            assertThat(report.getJsonObject("backends").fieldNames()).containsOnly("echo-7d9f-a");
            assertThat(pod.getLong("connections")).isEqualTo(report.getLong("connectionsOpened"));
            assertThat(pod.getLong("lasting")).isEqualTo(2);
            assertThat(pod.getLong("lostBytes")).isZero();
            assertThat(pod.getJsonObject("ended").getLong("server-fin-between-messages")).isPositive();
            assertThat(report.getJsonObject("newConnections").getLong("probesOk")).isPositive();
        }
    }

    @Test
    void aServerWithoutTheIdentityLineFailsTheRunAsNoIdentityListener() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE, "hello")) {
            Outcome outcome = steady(server.target(), "--identity", "-c", "1", "-d", "1s");
            assertThat(outcome.exit()).isEqualTo(1);
            assertThat(outcome.err()).startsWith("load: FAILED: the server's first line is no identity line (is --target "
                    + "the identity listener?): not a whoami answer");
        }
    }

    @Test
    void badBudgetsAndRatesAreUsageErrors() {
        for (String[] args : new String[][] { { "steady", "-r", "0" }, { "steady", "--max-broken", "-1" },
                { "steady", "--probe-interval", "0s" }, { "steady", "-c", "0" } }) {
            Outcome outcome = LoadClient.run(args);
            assertThat(outcome.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
        }
    }
}
