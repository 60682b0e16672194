package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.tcpecho.testing.Commands;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Haproxy;
import io.tcpecho.testing.JavaCommand;
import io.tcpecho.testing.ServerProcess;
import io.vertx.core.json.JsonObject;

/**
 * Two packaged servers behind a real TCP load balancer on loopback: HAProxy (Debian's, installed by .ci/run) in TCP
 * mode, round robin, writing PROXY protocol v1 ({@code send-proxy}) or v2 ({@code send-proxy-v2}) headers. Each
 * server must echo byte-exact after the header and log the client's own address, not HAProxy's; the whoami
 * listeners behind the same balancer must show {@code load spread} both pods, evenly, and the client as it is.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class BehindHaproxyIT {

    private static final Duration START = Duration.ofSeconds(30);
    /** The client connects from here; HAProxy connects to the servers from 127.0.0.1. */
    private static final String CLIENT_ADDRESS = "127.0.0.7";
    private static final int CONNECTIONS = 6;

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "send-proxy, v1", "send-proxy-v2, v2" })
    void eachServerEchoesAndLogsTheRealClient(String option, String version) throws Exception {
        int whoamiA = ServerProcess.freePort();
        int whoamiB = ServerProcess.freePort();
        try (ServerProcess a = ServerProcess.start(Map.of("ECHO_PROXY_PROTOCOL", "required", "ECHO_ACCESS_LOG", "true",
                "POD_NAME", "pod-a", "ECHO_WHOAMI_PORT", String.valueOf(whoamiA))).awaitReady(START);
                ServerProcess b = ServerProcess.start(Map.of("ECHO_PROXY_PROTOCOL", "required", "ECHO_ACCESS_LOG", "true",
                        "POD_NAME", "pod-b", "ECHO_WHOAMI_PORT", String.valueOf(whoamiB))).awaitReady(START)) {
            int port = ServerProcess.freePort();
            int whoamiPort = ServerProcess.freePort();
            try (Haproxy haproxy = startHaproxy(option, port, a.echoPort(), b.echoPort(), whoamiPort, whoamiA, whoamiB)) {
                List<Integer> clientPorts = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    byte[] payload = EchoClient.randomBytes(200_000 + i, i);
                    try (EchoClient client = EchoClient.connect(port,
                            socket -> socket.bind(new InetSocketAddress(CLIENT_ADDRESS, 0)))) {
                        client.sendThenHalfClose(payload);
                        assertThat(client.readToEnd()).as("echo through HAProxy, connection %d", i).isEqualTo(payload);
                        clientPorts.add(client.socket().getLocalPort());
                    }
                }
                // Round robin: each server served half, and logged each client as it was, port included.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    List<String> logged = new ArrayList<>(accessLines(a, "pod-a", version));
                    logged.addAll(accessLines(b, "pod-b", version));
                    assertThat(accessLines(a, "pod-a", version)).hasSize(CONNECTIONS / 2);
                    assertThat(accessLines(b, "pod-b", version)).hasSize(CONNECTIONS / 2);
                    assertThat(logged).allSatisfy(line -> assertThat(line).contains(" peer=127.0.0.1:")
                            .contains(" reason=completed"));
                    assertThat(logged.stream().map(line -> line.substring(line.indexOf("client="), line.indexOf(" peer="))))
                            .containsExactlyInAnyOrderElementsOf(clientPorts.stream()
                                    .map(p -> "client=" + CLIENT_ADDRESS + ":" + p).toList());
                });

                // What a user runs after helm install: both pods answer, evenly, and see the client as it is.
                JsonObject spread = spread(whoamiPort);
                assertThat(spread.getJsonObject("pods").getJsonObject("pod-a").getLong("connections")).isEqualTo(20);
                assertThat(spread.getJsonObject("pods").getJsonObject("pod-b").getLong("connections")).isEqualTo(20);
                assertThat(spread.getJsonObject("clients").getMap()).containsExactly(Map.entry(CLIENT_ADDRESS, 40));
                assertThat(spread.getJsonObject("proxyProtocol").getMap()).containsExactly(Map.entry(version, 40));
                assertThat(spread.getDouble("pValue")).isEqualTo(1.0);
            }
        }
    }

    private static List<String> accessLines(ServerProcess server, String pod, String version) {
        // Only the test client's connections: the start-up probe below comes from 127.0.0.1.
        return server.outputLines().stream().filter(line -> line.contains(" client=" + CLIENT_ADDRESS + ":"))
                .filter(line -> line.contains(" proxy=" + version + " ") && line.endsWith(" pod=" + pod)).toList();
    }

    private static JsonObject spread(int port) throws IOException {
        Path report = Files.createTempFile("spread-", ".json");
        Commands.Result run = Commands.run(JavaCommand.jar(ServerProcess.JAR, List.of(), List.of("load", "spread",
                "-t", "127.0.0.1:" + port, "-c", "40", "--bind", CLIENT_ADDRESS, "--expect-pods", "2", "--json",
                report.toString())), Map.of(), Path.of("."), Duration.ofMinutes(2));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("2 pods answered").contains("consistent with an even spread");
        return new JsonObject(Files.readString(report));
    }

    private static Haproxy startHaproxy(String option, int port, int a, int b, int whoamiPort, int whoamiA, int whoamiB)
            throws IOException {
        return Haproxy.start("haproxy-" + option, """
                global
                    maxconn 256
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                listen echo
                    bind 127.0.0.1:%d
                    balance roundrobin
                    server a 127.0.0.1:%d %s
                    server b 127.0.0.1:%d %s
                listen whoami
                    bind 127.0.0.1:%d
                    balance roundrobin
                    server a 127.0.0.1:%d %s
                    server b 127.0.0.1:%d %s
                """.formatted(port, a, option, b, option, whoamiPort, whoamiA, option, whoamiB, option), port);
    }
}
