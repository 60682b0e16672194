package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tcpecho.testing.Commands;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.TestCertificates;

/**
 * The chart's dashboard and alert rules against a real Prometheus (Debian's, installed by .ci/run) scraping the packaged
 * server every second: traffic that makes every series exist (a TLS failure, a UDP drop, an overload spell, fault
 * connections, a refused fault selection; the counters by reason, PROXY protocol rejections among them, exist from the
 * start), then every panel query of the dashboard, its variables
 * filled in, must return data through Prometheus's HTTP API, and every rule must be healthy; stopping the server must
 * make TcpEchoTargetDown pending or firing.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class PrometheusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The chart's default release: its scrape job, which the rules select. */
    private static final String JOB = "tcp-echo-management";

    @Test
    void everyPanelHasDataEveryRuleIsHealthyAndAStoppedServerAlerts() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "prometheus-it"));
        TestCertificates certificates = TestCertificates.generate("prometheus-it", "localhost");
        int tlsPort = ServerProcess.freePort();
        int udpPort = ServerProcess.freePort();
        int slowPort = ServerProcess.freePort();
        int refusePort = ServerProcess.freePort();
        int commandPort = ServerProcess.freePort();
        // PROXY protocol stays off (the TLS listener reads no header); its series exist from the start all the same.
        Map<String, String> env = new HashMap<>(Map.of("ECHO_TLS_PORT", String.valueOf(tlsPort),
                "ECHO_UDP_PORT", String.valueOf(udpPort), "ECHO_FAULTS_SLOW_PORT", String.valueOf(slowPort),
                "ECHO_FAULTS_SLOW_LATENCY", "20ms", "ECHO_FAULTS_REFUSE_PORT", String.valueOf(refusePort),
                "ECHO_FAULTS_REFUSE_REFUSE", "true", "ECHO_FAULTS_COMMAND_PORT", String.valueOf(commandPort),
                // A small budget that a few clients that never read fill: an overload spell.
                "ECHO_MEMORY_BUDGET", "1M", "ECHO_TCP_SEND_BUFFER_SIZE", "4096"));
        env.put("QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT", certificates.certFile().toString());
        env.put("QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY", certificates.keyFile().toString());
        ServerProcess server = ServerProcess.start(env).awaitReady(Duration.ofSeconds(30));
        Process prometheus = null;
        try {
            int prometheusPort = ServerProcess.freePort();
            prometheus = startPrometheus(work, server.managementPort(), prometheusPort);
            String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";
            traffic(server, certificates, tlsPort, udpPort, slowPort, refusePort, commandPort, api);

            List<String> queries = panelQueries();
            assertThat(queries).hasSizeGreaterThan(30);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                List<String> empty = new ArrayList<>();
                for (String query : queries) {
                    JsonNode result = query(api, query);
                    if (result.isEmpty()) {
                        empty.add(query);
                    }
                }
                assertThat(empty).as("panel queries without data").isEmpty();
            });
            JsonNode groups = JSON.readTree(Http.body(api + "rules")).at("/data/groups");
            List<String> rules = new ArrayList<>();
            groups.forEach(group -> group.path("rules").forEach(rule -> {
                rules.add(rule.path("name").asText());
                assertThat(rule.path("health").asText()).as("rule %s: %s", rule.path("name").asText(),
                        rule.path("lastError").asText()).isEqualTo("ok");
            }));
            assertThat(rules).contains("TcpEchoTargetDown", "TcpEchoOverloaded", "TcpEchoTlsCertificateExpiresSoon");

            server.terminate();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                List<String> states = new ArrayList<>();
                JSON.readTree(Http.body(api + "alerts")).at("/data/alerts").forEach(alert -> {
                    if (alert.at("/labels/alertname").asText().equals("TcpEchoTargetDown")) {
                        states.add(alert.path("state").asText());
                    }
                });
                assertThat(states).as("TcpEchoTargetDown after the server stopped").containsAnyOf("pending", "firing");
            });
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
            }
            server.close();
        }
    }

    /** Every query of every panel, with the dashboard's variables filled in as Grafana would with "All". */
    static List<String> panelQueries() throws IOException {
        JsonNode dashboard = JSON.readTree(Chart.DIR.resolve("files/dashboards/tcp-echo.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> {
            String expr = target.path("expr").asText();
            // kube-state-metrics' series exist only in a cluster.
            if (!expr.contains("kube_")) {
                queries.add(expr.replace("$__rate_interval", "1m").replace("$namespace", ".*").replace("$pod", ".*"));
            }
        }));
        return queries;
    }

    private static JsonNode query(String api, String query) throws IOException {
        JsonNode answer = JSON.readTree(Http.body(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
        assertThat(answer.path("status").asText()).as(query).isEqualTo("success");
        return answer.at("/data/result");
    }

    private static Process startPrometheus(Path work, int managementPort, int port) throws IOException {
        Path rules = work.resolve("tcp-echo.rules.yaml");
        Files.writeString(rules, Chart.YAML.writeValueAsString(
                Chart.render("prometheusRule: {enabled: true}").get("PrometheusRule", "tcp-echo").path("spec")));
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [%s]
                scrape_configs:
                  - job_name: %s
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels: {namespace: demo, pod: tcp-echo-0}
                """.formatted(rules.toAbsolutePath(), JOB, managementPort));
        Path data = Files.createTempDirectory(work, "data-");
        Process prometheus = Commands.start(work.resolve("prometheus.log"), Map.of(), List.of("prometheus",
                "--config.file=" + config.toAbsolutePath(), "--storage.tsdb.path=" + data.toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + port));
        await().atMost(Duration.ofSeconds(30)).until(() -> Http.status("http://127.0.0.1:" + port + "/-/ready") == 200
                || !prometheus.isAlive());
        assertThat(prometheus.isAlive()).as("prometheus started (apt-get install prometheus; see .ci/run); its log: %s",
                work.resolve("prometheus.log")).isTrue();
        return prometheus;
    }

    /** What makes every series of the dashboard exist. */
    private static void traffic(ServerProcess server, TestCertificates certificates, int tlsPort, int udpPort, int slowPort,
            int refusePort, int commandPort, String api) throws Exception {
        byte[] payload = EchoClient.randomBytes(100_000, 1);
        try (EchoClient client = EchoClient.connect(server.echoPort())) {
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).isEqualTo(payload);
        }
        try (EchoClient tls = EchoClient.connectTls(tlsPort, certificates.clientContext(null), "localhost")) {
            tls.write(new byte[] { 1 });
            assertThat(tls.read(1)).containsExactly(1);
        }
        try (EchoClient plainOnTls = EchoClient.connect(tlsPort)) {
            plainOnTls.write("not TLS\n".getBytes(StandardCharsets.US_ASCII));
            plainOnTls.readToEnd();
        } catch (IOException closed) {
            // counted as not_tls
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(EchoClient.HOST, 0));
                DatagramSocket fromEchoPort = new DatagramSocket(new InetSocketAddress(EchoClient.HOST, 7))) {
            udp.send(new DatagramPacket(new byte[] { 1 }, 1, new InetSocketAddress(EchoClient.HOST, udpPort)));
            // From the echo service's own port: dropped, never a reply (root binds port 7 on the test machines).
            fromEchoPort.send(new DatagramPacket(new byte[] { 2 }, 1, new InetSocketAddress(EchoClient.HOST, udpPort)));
        }
        try (EchoClient slow = EchoClient.connect(slowPort)) {
            slow.write(new byte[] { 3 });
            assertThat(slow.read(1)).containsExactly(3);
        }
        try (EchoClient refused = EchoClient.connect(refusePort)) {
            refused.socket().getInputStream().read();
        } catch (IOException reset) {
            // the refuse port resets
        }
        try (EchoClient command = EchoClient.connect(commandPort)) {
            command.write("FAULT nonsense\n".getBytes(StandardCharsets.US_ASCII));
            command.readToEnd();
        }
        // An overload spell: clients that write and never read fill the 1 MiB budget, then go away.
        List<EchoClient> nonReaders = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            EchoClient client = EchoClient.connect(server.echoPort(), socket -> {
                socket.setReceiveBufferSize(4096);
                socket.setSendBufferSize(4096);
            });
            nonReaders.add(client);
            client.sendThenHalfClose(EchoClient.randomBytes(2 << 20, i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> Http.body(server.managementUrl("/q/metrics"))
                .contains("echo_memory_state 2.0"));
        // Until Prometheus has scraped the overload, which the clients' reset ends.
        await().atMost(Duration.ofSeconds(20)).until(() -> !query(api, "echo_memory_state == 2").isEmpty());
        for (EchoClient client : nonReaders) {
            client.reset();
        }
    }
}
