package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LimitsProfile;
import io.tcpecho.testing.Prometheus;

/**
 * Four echo connections, and a stall port that never closes by itself in a pool of three ({@link LimitsProfile}). Each
 * connection comes from a loopback address of its own, so that only these limits count it: the profile also allows
 * two connections per client address.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class MaxConnectionsTest {

    private static final String STALL_CLIENT_LEFT = "echo_fault_actions_total{action=\"stall_client_left\",scenario=\"stall\"}";

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    /** The connections this test has made: the next one comes from 127.0.1.(connections + 1). */
    private int connections;

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndCounted() throws Exception {
        double before = Prometheus.scrape(metrics).value(closed("over_limit"));
        List<EchoClient> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                EchoClient client = connect(server.port());
                admitted.add(client);
                client.write(new byte[] { (byte) i });
                assertThat(client.read(1)).containsExactly((byte) i);
            }
            try (EchoClient rejected = connect(server.port())) {
                assertThat(closedByServer(rejected)).isTrue();
            }
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value(closed("over_limit"))).isEqualTo(before + 1));

            // Admitted connections are unaffected, and a freed slot is usable again.
            admitted.remove(0).close();
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value("echo_connections_active")).isEqualTo(3));
            try (EchoClient next = connect(server.port())) {
                next.write(new byte[] { 42 });
                assertThat(next.read(1)).containsExactly(42);
            }
            admitted.get(0).write(new byte[] { 9 });
            assertThat(admitted.get(0).read(1)).containsExactly(9);
        } finally {
            for (EchoClient client : admitted) {
                client.close();
            }
        }
    }

    @Test
    void aStalledConnectionIsReleasedWhenItsClientSendsFin() throws Exception {
        double before = Prometheus.scrape(metrics).valueOrZero(STALL_CLIENT_LEFT); // registered when a client first leaves
        try (EchoClient client = connect(server.faultPort("stall"))) {
            client.write(new byte[] { 1 });
            awaitFaultPortConnections(1);
            client.socket().shutdownOutput();
            client.socket().setSoTimeout(5_000);
            assertThat(client.socket().getInputStream().read()).as("the server's FIN, no echo").isEqualTo(-1);
        }
        awaitFaultPortConnections(0);
        assertThat(Prometheus.scrape(metrics).value(STALL_CLIENT_LEFT)).isEqualTo(before + 1);
    }

    @Test
    void aStalledConnectionIsReleasedWhenItsClientResets() throws Exception {
        try (EchoClient client = connect(server.faultPort("stall"))) {
            client.write(new byte[] { 1 });
            awaitFaultPortConnections(1);
            client.socket().setSoLinger(true, 0); // the close sends RST
        }
        awaitFaultPortConnections(0);
    }

    @Test
    void fullFaultPortsLeaveThePlainEchoItsWholeCapacityAndAFullEchoIsNotReady() throws Exception {
        List<EchoClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                EchoClient stalled = connect(server.faultPort("stall"));
                open.add(stalled);
                stalled.write(new byte[] { 1 });
            }
            awaitFaultPortConnections(3);
            try (EchoClient rejected = connect(server.faultPort("stall"))) {
                assertThat(closedByServer(rejected)).as("the fault ports' own limit").isTrue();
            }
            assertThat(readiness()).as("full fault ports leave the pod ready").isEqualTo(200);
            for (int i = 0; i < 4; i++) {
                EchoClient client = connect(server.port());
                open.add(client);
                client.write(new byte[] { (byte) i });
                assertThat(client.read(1)).as("echo connection %d beside full fault ports", i).containsExactly((byte) i);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(readiness()).isEqualTo(503));
            assertThat(RestAssured.get(ready).then().extract().path("checks.find { it.name == 'echo-listener' }.data.reason")
                    .toString()).isEqualTo("at echo.max-connections");
            open.remove(open.size() - 1).close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(readiness()).isEqualTo(200));
        } finally {
            for (EchoClient client : open) {
                client.close();
            }
        }
        awaitFaultPortConnections(0);
    }

    private EchoClient connect(int port) throws IOException {
        String from = "127.0.1." + ++connections;
        return EchoClient.connect(port, socket -> socket.bind(new InetSocketAddress(from, 0)));
    }

    private int readiness() {
        return RestAssured.get(ready).statusCode();
    }

    private void awaitFaultPortConnections(int expected) {
        String series = "echo_fault_port_connections_active";
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Prometheus scrape = Prometheus.scrape(metrics);
            assertThat(scrape.has(series)).as(series).isTrue();
            assertThat(scrape.value(series)).isEqualTo(expected);
        });
    }

    private static boolean closedByServer(EchoClient client) {
        try {
            return client.socket().getInputStream().read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }
}
