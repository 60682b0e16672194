package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

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
 * The failure-drill recipes of docs/failing-backends.md, run behind a real HAProxy: a stall port meets
 * {@code timeout server 1s} (the client is closed by HAProxy after about a second, with no echo), and a refuse port among
 * two health-checked backends is marked DOWN, after which every connection goes to the good one.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class FaultsBehindHaproxyIT {

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
        try (Haproxy haproxy = Haproxy.start("stall", """
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 1s
                listen stall
                    bind 127.0.0.1:%d
                    server stall 127.0.0.1:%d
                """.formatted(port, stallPort), port);
                EchoClient client = EchoClient.connect(port)) {
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
        try (Haproxy haproxy = Haproxy.start("refuse", """
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                listen checked
                    bind 127.0.0.1:%d
                    balance roundrobin
                    option tcp-check
                    tcp-check send-binary 50494e470a
                    tcp-check expect binary 50494e470a
                    server good 127.0.0.1:%d check inter 200ms fall 2 rise 1
                    server bad 127.0.0.1:%d check inter 200ms fall 2 rise 1
                """.formatted(port, server.echoPort(), refusePort), port)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(haproxy.output()).contains("checked/bad is DOWN"));
            double refusedBefore = metrics().value("echo_fault_actions_total{action=\"refuse\",scenario=\"refuse\"}");
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

    private static Prometheus metrics() throws IOException {
        return Prometheus.parse(Http.body(server.managementUrl("/q/metrics")));
    }
}
