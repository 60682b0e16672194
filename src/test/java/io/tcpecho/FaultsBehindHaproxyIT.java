package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Haproxy;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ServerProcess;

/**
 * The failure-drill recipes of docs/failing-backends.md, run behind a real HAProxy with the configurations taken from
 * the page (only their loopback ports changed to free ones): a stall port meets {@code timeout server 1s} (the client is
 * closed by HAProxy after about a second, with no echo), and a refuse port among two health-checked backends is marked
 * DOWN, after which every connection goes to the good one; and hundreds of health checks of a stall port hold nothing.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class FaultsBehindHaproxyIT {

    private static final Path RECIPES = Path.of("docs", "failing-backends.md");

    private static ServerProcess server;
    private static int stallPort;
    private static int refusePort;

    @BeforeAll
    static void startServer() throws IOException {
        stallPort = ServerProcess.freePort();
        refusePort = ServerProcess.freePort();
        server = ServerProcess.start(Map.of("ECHO_FAULTS_STALL_PORT", String.valueOf(stallPort), "ECHO_FAULTS_STALL_TIMEOUT", "0s",
                "ECHO_FAULTS_REFUSE_PORT", String.valueOf(refusePort), "ECHO_FAULTS_REFUSE_REFUSE", "true"))
                .awaitReady(Duration.ofSeconds(30));
        assertThat(server.output()).contains("Fault port 'stall' listening on 127.0.0.1:" + stallPort + ": timeout=0s",
                "Fault port 'refuse' listening on 127.0.0.1:" + refusePort + ": refuse=true");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Test
    void aStalledBackendIsCutOffByTheBalancersServerTimeout() throws Exception {
        int port = ServerProcess.freePort();
        try (Haproxy haproxy = Haproxy.start("stall", recipe("stall", Map.of(7002, port, 7102, stallPort)), port);
                EchoClient client = EchoClient.connect(port)) {
            assertNoConfigWarning(haproxy);
            long start = System.nanoTime();
            client.write("anybody there?\n".getBytes());
            byte[] answer;
            try {
                answer = client.socket().getInputStream().readAllBytes();
            } catch (IOException reset) {
                answer = new byte[0];
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(answer).as("no echo from a stalled backend").isEmpty();
            assertThat(millis).as("closed by HAProxy's timeout server 1s").isBetween(900L, 10_000L);
        }
        assertThat(metrics().value("echo_fault_actions_total{action=\"stall\",scenario=\"stall\"}")).isPositive();
    }

    @Test
    void aRefusingBackendFailsItsHealthCheckAndGetsNoConnections() throws Exception {
        int port = ServerProcess.freePort();
        try (Haproxy haproxy = Haproxy.start("refuse",
                recipe("checked", Map.of(7003, port, 7007, server.echoPort(), 7105, refusePort)), port)) {
            assertNoConfigWarning(haproxy);
            // The recipe checks every 2 s and takes two failures: DOWN within a few seconds.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(haproxy.output()).contains("checked/bad is DOWN"));
            // Registered at the first refusal: HAProxy's checks may not have reached the refuse port yet.
            double refusedBefore = metrics().valueOrZero("echo_fault_actions_total{action=\"refuse\",scenario=\"refuse\"}");
            double completedBefore = metrics().value(Prometheus.closed("completed"));
            for (int i = 0; i < 20; i++) {
                byte[] payload = EchoClient.randomBytes(10_000 + i, i);
                try (EchoClient client = EchoClient.connect(port)) {
                    client.sendThenHalfClose(payload);
                    assertThat(client.readToEnd()).as("connection %d through HAProxy", i).isEqualTo(payload);
                }
            }
            assertThat(haproxy.output()).doesNotContain("checked/good is DOWN");
            // The good backend served all 20 (and its health checks); the refuse port met only health checks.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(metrics().value(Prometheus.closed("completed")) - completedBefore).isGreaterThanOrEqualTo(20));
            double refusedDuring = metrics().value("echo_fault_actions_total{action=\"refuse\",scenario=\"refuse\"}") - refusedBefore;
            assertThat(refusedDuring).as("HAProxy keeps checking the DOWN server, but sends it no client").isLessThan(100);
        }
    }

    /**
     * A balancer health-checking a stall port with checks that connect and close with FIN: every check's connection is
     * let go with it (before, each stayed in CLOSE-WAIT for good and counted against the server's connection limit).
     */
    @Test
    void healthChecksOfAStallPortLeaveNoConnectionBehind() throws Exception {
        String leftSeries = "echo_fault_actions_total{action=\"stall_client_left\",scenario=\"stall\"}";
        double leftBefore = metrics().valueOrZero(leftSeries); // registered when a client first leaves a stall
        int port = ServerProcess.freePort();
        try (Haproxy haproxy = Haproxy.start("stallcheck", recipe("stallcheck", Map.of(7004, port, 7102, stallPort)), port)) {
            assertNoConfigWarning(haproxy);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Prometheus now = metrics();
                assertThat(now.value("echo_fault_port_connections_active")).as("checks' connections open at once")
                        .isLessThanOrEqualTo(5);
                assertThat(now.value(leftSeries) - leftBefore).as("checks let go at their FIN").isGreaterThanOrEqualTo(300);
            });
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Prometheus after = metrics();
            assertThat(after.has("echo_fault_port_connections_active")).isTrue();
            assertThat(after.value("echo_fault_port_connections_active")).isZero();
        });
        try (EchoClient client = EchoClient.connect(server.echoPort())) {
            client.sendThenHalfClose(new byte[] { 1, 2, 3 });
            assertThat(client.readToEnd()).as("the plain echo, after the checks").containsExactly(1, 2, 3);
        }
    }

    /**
     * The page's HAProxy configuration whose proxy is {@code listen name}, as written there but for its loopback ports,
     * each key of {@code ports} replaced by its value (every one must occur, so a recipe that changes fails here).
     */
    private static String recipe(String name, Map<Integer, Integer> ports) throws IOException {
        Matcher block = Pattern.compile("(?ms)^```haproxy\\n(.*?)^```").matcher(Files.readString(RECIPES));
        while (block.find()) {
            String config = block.group(1);
            if (!Pattern.compile("(?m)^listen " + name + "$").matcher(config).find()) {
                continue;
            }
            Matcher address = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(config);
            Set<Integer> seen = new HashSet<>();
            config = address.replaceAll(found -> {
                int written = Integer.parseInt(found.group(1));
                seen.add(written);
                return "127.0.0.1:" + ports.getOrDefault(written, written);
            });
            assertThat(seen).as("the loopback ports of %s's recipe in %s", name, RECIPES).isEqualTo(ports.keySet());
            return config;
        }
        throw new AssertionError("no ```haproxy block with 'listen " + name + "' in " + RECIPES);
    }

    /** HAProxy prints its warnings about a configuration (such as "missing timeouts for proxy") before it listens. */
    private static void assertNoConfigWarning(Haproxy haproxy) throws IOException {
        assertThat(haproxy.output()).as("HAProxy's warnings about the recipe").doesNotContain(": config :", "parsing [");
    }

    private static Prometheus metrics() throws IOException {
        return Prometheus.parse(Http.body(server.managementUrl("/q/metrics")));
    }
}
