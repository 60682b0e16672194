package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.TestCertificates;
import io.vertx.core.json.JsonObject;

/** The packaged jar as production runs it: start-up errors, SIGTERM drain, exit status, logs. */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class PackagedServerIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final int MIB = 1024 * 1024;

    @Test
    void sigtermTurnsReadinessDownThenRefusesNewConnectionsWhileTheTransferInProgressCompletes() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(
                "QUARKUS_SHUTDOWN_DELAY", "2s", "ECHO_DRAIN_TIMEOUT", "60s")).awaitReady(START);
                EchoClient client = EchoClient.connect(server.echoPort())) {
            byte[] payload = EchoClient.randomBytes(16 * MIB, 16);
            client.socket().setReceiveBufferSize(16 * 1024);
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            // A slow reader: 16 KiB every 5 ms keeps the transfer going for several seconds.
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.readToEnd(16 * 1024, Duration.ofMillis(5));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.parse(Http.body(server.managementUrl("/q/metrics")))
                    .value("echo_bytes_sent_total") > 0); // the transfer is under way

            server.terminate();
            await().atMost(Duration.ofSeconds(1)).until(() -> server.readinessStatus() == 503);
            // During the shutdown delay load balancers see DOWN, but the listener still accepts.
            try (EchoClient late = EchoClient.connect(server.echoPort())) {
                late.write(new byte[] { 1 });
                assertThat(late.read(1)).containsExactly(1);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
                    () -> EchoClient.connect(server.echoPort()).close()).isInstanceOf(ConnectException.class));
            assertThat(echoed).isNotDone();

            assertThat(echoed.get(60, TimeUnit.SECONDS)).isEqualTo(payload);
            sent.get(10, TimeUnit.SECONDS);
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(server.output()).contains("Every echo connection finished");
        }
    }

    @Test
    void drainTimeoutAbortsConnectionsThatDoNotFinishAndStillExitsZero() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(
                "QUARKUS_SHUTDOWN_DELAY", "0s", "ECHO_DRAIN_TIMEOUT", "1s")).awaitReady(START);
                EchoClient stuck = EchoClient.connect(server.echoPort())) {
            CompletableFuture<Void> sending = stuck.sendThenHalfClose(EchoClient.randomBytes(64 * MIB, 1));
            // The client never reads: once the buffers on both sides are full, its transfer cannot finish.
            await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.parse(Http.body(server.managementUrl("/q/metrics")))
                    .value("echo_connections_active") == 1);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !sending.isDone());
            long stop = System.nanoTime();
            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(20))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - stop)).isLessThan(Duration.ofSeconds(15));
            assertThat(server.output()).contains("Drain timeout: closing 1 echo connections still open");
            assertThat(sending).failsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void resetsAreCountedWithoutStackTracesInTheLog() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of()).awaitReady(START)) {
            for (int i = 0; i < 50; i++) {
                EchoClient client = EchoClient.connect(server.echoPort());
                client.write(EchoClient.randomBytes(256 * 1024, i));
                client.reset();
            }
            try (EchoClient healthy = EchoClient.connect(server.echoPort())) {
                healthy.write(new byte[] { 7 });
                assertThat(healthy.read(1)).containsExactly(7);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Http.body(server.managementUrl("/q/metrics")))
                    .containsPattern("echo_connections_closed_total\\{reason=\"reset\",?} 50.0"));
            assertThat(server.output()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    /** What the chart's logFormat: json sets: one JSON object a line, the access log's fields in its mdc object. */
    @Test
    void jsonLogsCarryTheAccessLogsFieldsAsFields() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true",
                "ECHO_ACCESS_LOG", "true")).awaitReady(START)) {
            byte[] payload = EchoClient.randomBytes(1000, 1);
            try (EchoClient client = EchoClient.connect(server.echoPort())) {
                client.sendThenHalfClose(payload);
                assertThat(client.readToEnd()).isEqualTo(payload);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.outputLines()).anySatisfy(line -> {
                JsonObject json = new JsonObject(line);
                assertThat(json.getString("loggerName")).isEqualTo("io.tcpecho.access");
                JsonObject fields = json.getJsonObject("mdc");
                assertThat(fields.getString("received")).isEqualTo("1000");
                assertThat(fields.getString("sent")).isEqualTo("1000");
                assertThat(fields.getString("reason")).isEqualTo("completed");
                assertThat(fields.getString("client")).startsWith("127.0.0.1:");
            }));
            assertThat(server.outputLines()).as("every line is JSON").isNotEmpty()
                    .allSatisfy(line -> assertThat(new JsonObject(line).getString("level")).isNotBlank());
        }
    }

    /** Fault scenarios by environment variables alone, as the chart sets them; a bad one stops start-up in one line. */
    @Test
    void faultPortsConfiguredByEnvironmentVariablesAloneAsTheChartDoes() throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_FAULTS_CUT_PORT", String.valueOf(port),
                "ECHO_FAULTS_CUT_LIMIT_DATA", "5", "ECHO_FAULTS_CUT_SLICER_AVERAGE_SIZE", "2")).awaitReady(START)) {
            assertThat(server.output()).contains("Fault port 'cut' listening on 127.0.0.1:" + port + ": slicer.average-size=2B limit-data=5B");
            try (EchoClient client = EchoClient.connect(port)) {
                client.sendThenHalfClose("hello world".getBytes());
                assertThat(new String(client.readToEnd())).isEqualTo("hello");
            }
        }
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_FAULTS_SLOW_PORT", String.valueOf(port),
                "ECHO_FAULTS_SLOW_LATENCY", "20m"))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(server.outputLines()).anySatisfy(line -> assertThat(line)
                    .contains("Invalid configuration: echo.faults.slow.latency=20m is out of range; allowed: 0s to 10m"));
            assertThat(server.output()).doesNotContain("\tat ");
        }
    }

    /** End to end; each range check is covered by EchoConfigValidatorTest. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "ECHO_PORT, 70000, 'Invalid configuration: echo.port=70000 is out of range; allowed: 0 to 65535'",
            "ECHO_PORT, seven, 'Invalid configuration: echo.port=seven (env ECHO_PORT) is not valid; allowed: a whole number'",
    })
    void badConfigurationFailsStartupWithOneLineNamingTheProperty(String variable, String value, String message)
            throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of(variable, value))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(problems(server)).containsExactly(message);
        }
    }

    /**
     * Every kind of problem a start can meet, each one line naming the property: values of the wrong type and out of
     * range together (both found in the same start), a certificate file that is not there or not a certificate, and a
     * management port that is taken. Each start stops at the first stage that fails: the configuration, the
     * certificates, the listeners.
     */
    @Test
    void everyStartupProblemIsOneLineNamingItsPropertyWithoutAStackTrace() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_IDLE_TIMEOUT", "fast", "ECHO_PROXY_PROTOCOL", "maybe",
                "ECHO_MEMORY_BUDGET", "lots", "QUARKUS_SHUTDOWN_DELAY", "soon", "ECHO_TCP_KEEP_ALIVE", "ture",
                "ECHO_MAX_CONNECTIONS", "0", "QUARKUS_MANAGEMENT_PORT", "70000"))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(problems(server)).containsExactlyInAnyOrder(
                    "Invalid configuration: echo.idle-timeout=fast (env ECHO_IDLE_TIMEOUT) is not valid; allowed: a duration"
                            + " such as 500ms, 30s or 2m",
                    "Invalid configuration: echo.proxy-protocol=maybe (env ECHO_PROXY_PROTOCOL) is not valid; allowed: off,"
                            + " required, optional",
                    "Invalid configuration: echo.memory-budget=lots (env ECHO_MEMORY_BUDGET) is not valid: 'lots' is not a"
                            + " size such as 64, 4KiB, 32MiB or 1GiB",
                    "Invalid configuration: quarkus.shutdown.delay=soon (env QUARKUS_SHUTDOWN_DELAY) is not valid: Invalid"
                            + " duration: soon",
                    "Invalid configuration: echo.tcp.keep-alive=ture (env ECHO_TCP_KEEP_ALIVE) is not valid; allowed: true"
                            + " or false",
                    "Invalid configuration: quarkus.management.port=70000 is out of range; allowed: 0 to 65535",
                    "Invalid configuration: echo.max-connections=0 is out of range; allowed: 1 to 2147483647");
        }
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_TLS_PORT", "0",
                "QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT", "/nonexistent/tls.crt",
                "QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY", "/nonexistent/tls.key"))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(problems(server)).containsExactly("Invalid configuration: QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT="
                    + "/nonexistent/tls.crt cannot be read: no such file; allowed: a readable file");
        }
        Path garbage = Files.writeString(Files.createTempFile("tcp-echo-", ".pem"), "not PEM\n");
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_TLS_PORT", "0",
                "QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT", garbage.toString(),
                "QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY", garbage.toString()))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(problems(server)).singleElement().asString().startsWith(
                    "Invalid configuration: the TLS configuration 'echo' (quarkus.tls.echo.*) cannot be used: ");
        } finally {
            Files.delete(garbage);
        }
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(EchoClient.HOST));
                ServerProcess server = ServerProcess.start(Map.of("QUARKUS_MANAGEMENT_PORT",
                        String.valueOf(taken.getLocalPort())))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(problems(server)).singleElement().asString()
                    .startsWith("Cannot listen on 127.0.0.1:%d (quarkus.management.host:quarkus.management.port): "
                            .formatted(taken.getLocalPort()))
                    .endsWith("Address already in use; another process holds the port, stop it or set"
                            + " QUARKUS_MANAGEMENT_PORT to a free port");
        }
    }

    /**
     * What a start that failed printed besides its INFO lines (a start that fails late has logged its listeners), after
     * checking that none of it is a stack trace or an ERROR record, which would carry one.
     */
    private static List<String> problems(ServerProcess server) {
        assertThat(server.output()).doesNotContain("\tat ").doesNotContain("Caused by").doesNotContain(" ERROR ");
        return server.outputLines().stream().filter(line -> !line.matches("\\d{4}-\\d\\d-\\d\\d [\\d:,]+ INFO .*")).toList();
    }

    @Test
    void portInUseFailsStartupWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(EchoClient.HOST));
                ServerProcess server = ServerProcess.start(Map.of("ECHO_PORT", String.valueOf(taken.getLocalPort())))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(server.outputLines()).anySatisfy(line -> assertThat(line)
                    .contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (echo.host:echo.port)")
                    .contains("in use"));
        }
    }

    @Test
    void whoamiOrUdpPortInUseFailsStartupWithAClearMessage() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName(EchoClient.HOST));
                ServerProcess server = ServerProcess.start(Map.of("ECHO_WHOAMI_PORT", String.valueOf(tcp.getLocalPort())))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(server.outputLines()).anySatisfy(line -> assertThat(line)
                    .contains("Cannot listen on 127.0.0.1:" + tcp.getLocalPort() + " (echo.host:echo.whoami.port)")
                    .contains("stop it or set ECHO_WHOAMI_PORT to a free port"));
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(EchoClient.HOST, 0));
                ServerProcess server = ServerProcess.start(Map.of("ECHO_UDP_PORT", String.valueOf(udp.getLocalPort())))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(server.outputLines()).anySatisfy(line -> assertThat(line)
                    .contains("Cannot listen on 127.0.0.1:" + udp.getLocalPort() + "/udp (echo.host:echo.udp.port)")
                    .contains("stop it or set ECHO_UDP_PORT to a free port"));
        }
    }

    @Test
    void tlsConfiguredByEnvironmentVariablesAloneAsTheChartDoes() throws Exception {
        TestCertificates certificates = TestCertificates.generate("packaged", "localhost");
        int tlsPort = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_TLS_PORT", String.valueOf(tlsPort),
                "QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT", certificates.certFile().toString(),
                "QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY", certificates.keyFile().toString(),
                "QUARKUS_TLS__ECHO__RELOAD_PERIOD", "1m")).awaitReady(START)) {
            try (EchoClient client = EchoClient.connectTls(tlsPort, certificates.clientContext(null), "localhost")) {
                client.write(new byte[] { 4, 5, 6 });
                client.socket().shutdownOutput();
                assertThat(client.readToEnd()).containsExactly(4, 5, 6);
            }
            assertThat(server.outputLines()).anySatisfy(line -> assertThat(line)
                    .contains("TLS echo listening on 127.0.0.1:" + tlsPort + ", engine JDK")
                    .contains("certificate CN=localhost valid until")
                    .contains("TLS configuration 'echo' reloaded every 1m"));
        }
    }

    /**
     * The pool the echo reads into has 1 MiB chunks, not the 64 KiB Quarkus sets for HTTP, where every 64 KiB read
     * took a chunk of its own and freed it again (bench/NOTES.md, section 15): a build-time setting, so the packaged
     * jar is where it shows.
     */
    @Test
    void theEchosBufferPoolHasChunksOfOneMiB() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of()).awaitReady(START)) {
            // Quarkus binds the allocator metrics once the application has started, which may be after the first ready.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Prometheus.parse(
                    Http.body(server.managementUrl("/q/metrics"))).value(
                            "netty_allocator_pooled_chunk_size{allocator_type=\"PooledByteBufAllocator\",name=\"vertx-pooled\"}"))
                    .isEqualTo(MIB));
        }
    }

    @Test
    void startedFromItsDirectoryAsReadmeSaysTheJarUsesTheAppCdsArchiveItsBuildDumped() throws Exception {
        Path app = ServerProcess.JAR.getParent();
        assertThat(app.resolve(ServerProcess.APP_CDS_ARCHIVE)).as("the archive quarkus.package.jar.appcds dumps").exists();
        try (ServerProcess server = ServerProcess.startFromItsDirectory(app, List.of(), Map.of()).awaitReady(START);
                EchoClient client = EchoClient.connect(server.echoPort())) {
            client.write(new byte[] { 7, 8, 9 });
            client.socket().shutdownOutput();
            assertThat(client.readToEnd()).containsExactly(7, 8, 9);
            // A JVM that rejects the archive (another JVM build, another class path) unmaps it and starts anyway.
            assertThat(server.mapsAppCdsArchive()).as("the jar's JVM has the archive mapped").isTrue();
            assertThat(server.output()).as("the JVM's CDS warnings").doesNotContain("][cds");
            // Quarkus lists no HTTP server of its own (the echo's listeners have their own lines), only the management one;
            // it writes the line once the management interface is open, so possibly after the first ready answer.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.outputLines()).as("Quarkus's start line")
                    .filteredOn(line -> line.contains(" started in ")).singleElement().asString().doesNotContain("Listening on")
                    .endsWith("s. Management interface listening on http://127.0.0.1:" + server.managementPort() + "."));
        }
    }

    /**
     * The archive is dumped from a whole start with traffic (ArchiveTraining), not Quarkus' run that stops after static
     * initialisation (a third of the classes a start and a first connection load then came from the jars, the echo's
     * handler among them), and the jar is packaged so that the JVM's own class loader serves them from it (aot-jar).
     */
    @Test
    void theAppCdsArchiveHoldsEveryClassOfAStartAProbeAScrapeAndAConnection() throws Exception {
        Path app = ServerProcess.JAR.getParent();
        Path classLoads = Files.createTempFile("tcp-echo-class-load-", ".log");
        try (ServerProcess server = ServerProcess.startFromItsDirectory(app,
                List.of("-Xlog:class+load=info:file=" + classLoads.toAbsolutePath()), Map.of()).awaitReady(START);
                EchoClient client = EchoClient.connect(server.echoPort())) {
            assertThat(Http.status(server.managementUrl("/q/metrics"))).isEqualTo(200);
            client.write(new byte[] { 1, 2, 3 });
            client.socket().shutdownOutput();
            assertThat(client.readToEnd()).containsExactly(1, 2, 3);
            String handler = await().atMost(Duration.ofSeconds(5)).until(() -> Files.readAllLines(classLoads).stream()
                    .filter(line -> line.contains(" io.tcpecho.echo.EchoHandler ")).findFirst().orElse(null), l -> l != null);
            assertThat(handler).as("the echo's handler, loaded at the first connection").endsWith("source: shared objects file (top)");
            List<String> loads = Files.readAllLines(classLoads).stream().filter(line -> line.contains(" source: ")).toList();
            // What the JVM read from a class file: jars, directories and the JDK's modules; generated classes aside.
            List<String> read = loads.stream().filter(line -> line.matches(".* source: (jar:|file:|jrt:).*")).toList();
            assertThat(read.size()).as("classes read from class files, of %d loaded: %s", loads.size(), read)
                    .isLessThan(loads.size() / 100);
        } finally {
            Files.deleteIfExists(classLoads);
        }
    }

    @Test
    void tlsPortWithoutCertificatesFailsStartupWithOneLineNamingWhatToSet() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("ECHO_TLS_PORT", "0"))) {
            assertThat(server.awaitExit(START)).isEqualTo(1);
            assertThat(problems(server)).singleElement().asString().endsWith(
                    "echo.tls.port is set but there is no TLS configuration 'echo': set quarkus.tls.echo.key-store.pem.0.cert"
                            + " and quarkus.tls.echo.key-store.pem.0.key (env QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT and"
                            + " QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY) to the PEM files of the certificate and its key");
        }
    }
}
