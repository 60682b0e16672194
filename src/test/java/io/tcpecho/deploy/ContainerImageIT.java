package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tcpecho.deploy.Chart.Rendering;
import io.tcpecho.testing.Commands;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.TestCertificates;
import io.vertx.core.json.JsonObject;

/**
 * The container image, built and run here without a Docker engine:
 * <ol>
 * <li>a JVM base image is made offline from this machine's JDK ({@link BaseImage});</li>
 * <li>the Quarkus Jib extension builds the application image on it, exactly as a user would
 * ({@code ./mvnw package -Dquarkus.container-image.build=true}), and loads it into podman;</li>
 * <li>the chart's rendered Deployment runs with {@code podman kube play --network=host} on free loopback ports;</li>
 * <li>through it: echo with half-close, the whoami, UDP and TLS echo listeners (TLS with a kubernetes.io/tls Secret
 * that podman mounts), /q/health/ready, /q/metrics, and the chart's helm test pod;</li>
 * <li>the chart's load Job, as three pods of its template ({@link IndexedJobPods}), loads the echo pod: the shards start
 * through index 0's barrier and their logs merge into one report of the whole run;</li>
 * <li>the pod is stopped with the Deployment's grace period: readiness goes DOWN, the listener closes, the
 * connection in progress completes, and the JVM exits with status 0 (not killed).</li>
 * </ol>
 * Needs podman, configured by .ci/run. The only changes made to the rendered Deployment are those podman forces:
 * container ports are left out (podman refuses port mappings with host networking), the probes' named ports are
 * replaced by their numbers, of the Downward API variables only those podman 4.3 can fill are kept
 * ({@code metadata.name} and {@code metadata.uid}; it refuses to start a pod that asks for others), and the TLS
 * Secret's volume is a host directory with its two files (podman 4.3 mounts a Secret's data still base64-encoded).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ_WRITE)
class ContainerImageIT {

    static final Path WORK = TestImage.WORK;
    static final String NAME = "tcp-echo-it";
    static final String HOST = "127.0.0.1";
    /** The Downward API fields podman kube play fills. */
    private static final Set<String> PODMAN_FIELDS = Set.of("metadata.name", "metadata.uid");

    static int echoPort;
    static int managementPort;
    static int whoamiPort;
    static int udpPort;
    static int tlsPort;
    static final String TLS_SECRET = NAME + "-tls";
    static TestCertificates certificates;
    static Rendering rendering;
    static Path deploymentFile;
    static Path testPodFile;
    static String container;

    @BeforeAll
    static void buildImageAndStartThePod() throws Exception {
        TestImage.build();
        echoPort = ServerProcess.freePort();
        managementPort = ServerProcess.freePort();
        whoamiPort = ServerProcess.freePort();
        udpPort = ServerProcess.freePort();
        tlsPort = ServerProcess.freePort();
        certificates = TestCertificates.generate("image", "tcp-echo-it.example.test");
        rendering = Chart.render("""
                fullnameOverride: %s
                replicaCount: 1
                image: {repository: %s, tag: %s, pullPolicy: Never}
                echo: {port: %d, shutdownDelaySeconds: 3, drainTimeoutSeconds: 30}
                management: {port: %d}
                whoami: {enabled: true, port: %d}
                udp: {enabled: true, port: %d}
                tls: {enabled: true, port: %d, secretName: %s}
                tests: {host: %s, port: %d, payloadBytes: 300000}
                jvm: {options: "-Xss1m"}
                """.formatted(NAME, TestImage.REPOSITORY, TestImage.TAG, echoPort, managementPort, whoamiPort, udpPort,
                tlsPort, TLS_SECRET, HOST, echoPort));

        deploymentFile = WORK.resolve("deployment.yaml");
        Files.writeString(deploymentFile, Chart.YAML.writeValueAsString(forPodmanHostNetwork(rendering.get("Deployment", NAME))));
        testPodFile = WORK.resolve("helm-test.yaml");
        Files.writeString(testPodFile, Chart.YAML.writeValueAsString(rendering.get("Pod", NAME + "-test")));

        takeDown();
        Commands.podman("kube", "play", "--network=host", deploymentFile.toString()).orFail("podman kube play");
        container = applicationContainer(NAME);
    }

    @AfterAll
    static void takeDown() {
        for (Path file : new Path[] { testPodFile, deploymentFile }) {
            if (file != null && Files.exists(file)) {
                Commands.podman("kube", "down", file.toString());
            }
        }
    }

    /** What the kubelet makes of a kubernetes.io/tls Secret: a directory with tls.crt and tls.key. */
    static Path tlsSecretDirectory() throws IOException {
        Path directory = Files.createDirectories(WORK.resolve("tls-secret"));
        Files.copy(certificates.certFile(), directory.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certificates.keyFile(), directory.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        for (Path file : List.of(directory, directory.resolve("tls.crt"), directory.resolve("tls.key"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        return directory;
    }

    @Test
    @Order(1)
    void imageRunsAsNonRootDeclaresItsPortsAndSizesTheJvmFromTheContainer() throws IOException {
        JsonNode config = Chart.YAML.readTree(Commands.podman("image", "inspect", TestImage.REFERENCE)
                .orFail("podman image inspect").output()).get(0).path("Config");
        assertThat(config.path("User").asText()).isEqualTo("185");
        assertThat(config.path("ExposedPorts").has("7007/tcp")).isTrue();
        assertThat(config.path("ExposedPorts").has("7008/tcp")).as("whoami").isTrue();
        assertThat(config.path("ExposedPorts").has("7443/tcp")).as("TLS echo").isTrue();
        assertThat(config.path("ExposedPorts").has("9000/tcp")).isTrue();
        assertThat(config.path("ExposedPorts").size()).isEqualTo(4);
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=25.0", "-XX:MinRAMPercentage=25.0",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dio.netty.tryReflectionSetAccessible=true", "-jar",
                "quarkus-run.jar");

        JsonNode state = Chart.YAML.readTree(Commands.podman("container", "inspect", container).output()).get(0);
        assertThat(state.at("/HostConfig/ReadonlyRootfs").asBoolean()).as("read-only root filesystem").isTrue();
        assertThat(state.at("/Config/User").asText()).startsWith("185");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Commands.podman("logs", container).output())
                .as("the image runs the native epoll transport, and Netty allocates direct memory itself")
                .contains("transport epoll,").contains("direct memory (allocated by Netty)"));
    }

    @Test
    @Order(1)
    void jvmStartsFromTheImagesAppCdsArchiveWithTheChartsJvmOptions() throws IOException {
        List<String> env = new ArrayList<>();
        Chart.YAML.readTree(Commands.podman("image", "inspect", TestImage.REFERENCE).orFail("podman image inspect")
                .output()).get(0).at("/Config/Env").forEach(e -> env.add(e.asText()));
        assertThat(env).as("the image's environment").contains("JAVA_TOOL_OPTIONS=-XX:SharedArchiveFile=app-cds.jsa");
        // The launcher prints what it picked up before it creates the JVM: the server's first line says the JVM is up.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Commands.podman("logs", container).output())
                .as("the chart's jvm.options reach the JVM beside the image's own")
                .contains("Picked up JDK_JAVA_OPTIONS: -Xss1m")
                .contains("Picked up JAVA_TOOL_OPTIONS: -XX:SharedArchiveFile=app-cds.jsa")
                .contains("Echo server listening"));
        // The JVM keeps an archive mapped only once it has accepted it (same JVM build, same class path): a rejected
        // one would leave the start as slow as without it, with a warning at most. The image has no shell or cat, so
        // the JVM's maps are read from here (the container's first process, seen from the host).
        String pid = Commands.podman("inspect", "--format", "{{.State.Pid}}", container).orFail("podman inspect").output()
                .trim();
        assertThat(Files.readString(Path.of("/proc", pid, "maps"))).as("memory maps of the container's JVM (pid %s): is the archive from the JVM and CDS"
                        + " archive of the base image Jib used?", pid)
                .contains("/app-cds.jsa");
        assertThat(Commands.podman("logs", container).output()).as("the JVM's log").doesNotContain("][cds");
    }

    @Test
    @Order(2)
    void podBecomesReadyAndEchoesThroughHalfClose() throws Exception {
        String readiness = rendering.container().at("/readinessProbe/httpGet/path").asText();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> httpStatus(readiness) == 200);
        for (String probe : List.of("/startupProbe", "/livenessProbe")) {
            assertThat(httpStatus(rendering.container().at(probe + "/httpGet/path").asText())).as(probe).isEqualTo(200);
        }

        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, echoPort), 5000);
            socket.setSoTimeout(30_000);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(payload);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] echoed = socket.getInputStream().readAllBytes(); // until the server closes after the half-close
            sent.get(30, TimeUnit.SECONDS);
            assertThat(echoed).hasSameSizeAs(payload).isEqualTo(payload);
        }
        assertThat(httpBody("/q/metrics")).contains("# TYPE");
    }

    @Test
    @Order(3)
    void whoamiNamesThePodFromTheDownwardApi() throws Exception {
        String pod = Commands.podman("pod", "ps", "--format", "{{.Name}}", "--filter", "name=^" + NAME + "-pod")
                .orFail("podman pod ps").output().strip();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, whoamiPort), 5000);
            socket.setSoTimeout(30_000);
            JsonObject reply = new JsonObject(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertThat(reply.getString("pod")).as("POD_NAME from metadata.name").isEqualTo(pod).startsWith(NAME);
            assertThat(reply.getString("client")).isEqualTo(HOST + ":" + socket.getLocalPort());
            assertThat(reply.getString("version")).isEqualTo(ApplicationFacts.projectVersion());
        }
    }

    @Test
    @Order(4)
    void tlsEchoAnswersThroughTheChartsDeploymentWithTheSecretsCertificate() throws Exception {
        byte[] payload = new byte[300_000];
        new Random(13).nextBytes(payload);
        try (EchoClient client = EchoClient.connectTls(tlsPort, certificates.clientContext(null), "tcp-echo-it.example.test")) {
            X509Certificate served = (X509Certificate) ((SSLSocket) client.socket()).getSession().getPeerCertificates()[0];
            assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=tcp-echo-it.example.test");
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            assertThat(Arrays.equals(client.readToEnd(), payload)).as("echoed byte for byte").isTrue();
            sent.get(30, TimeUnit.SECONDS);
        }
        assertThat(Commands.podman("logs", container).output()).contains("TLS echo listening on 0.0.0.0:" + tlsPort);
    }

    @Test
    @Order(4)
    void udpEchoAnswersThroughTheChartsDeployment() throws Exception {
        byte[] payload = new byte[1200];
        new Random(12).nextBytes(payload);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
            socket.setSoTimeout(5_000);
            socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress(HOST, udpPort)));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            socket.receive(reply);
            assertThat(Arrays.copyOf(reply.getData(), reply.getLength())).isEqualTo(payload);
        }
    }

    @Test
    @Order(5)
    void helmTestPodPasses() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> httpStatus("/q/health/ready") == 200);
        Commands.podman("kube", "play", "--network=host", testPodFile.toString()).orFail("podman kube play (helm test)");
        String testContainer = NAME + "-test-echo-check";
        Commands.Result waited = Commands.podman("wait", testContainer).orFail("podman wait");
        String logs = Commands.podman("logs", testContainer).output();
        assertThat(waited.output().trim()).as("helm test exit status; logs:%n%s", logs).isEqualTo("0");
        assertThat(logs).contains("300000 bytes echoed").contains("result      OK, every echoed byte verified");
        Commands.podman("kube", "down", testPodFile.toString());
    }

    @Test
    @Order(5)
    void theChartsLoadJobRunsAsThreeIndexedPodsWhoseLogsMergeIntoOneReport() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> httpStatus("/q/health/ready") == 200);
        ObjectNode job = Chart.render("""
                fullnameOverride: %s
                image: {repository: %s, tag: %s, pullPolicy: Never}
                loadJob:
                  enabled: true
                  shards: 3
                  workload: bulk
                  target: "%s:%d"
                  options: [-c, "6", -s, 256KiB, --progress, "0"]
                  barrierPort: %d
                """.formatted(NAME, TestImage.REPOSITORY, TestImage.TAG, HOST, echoPort, ServerProcess.freePort()))
                .get("Job", NAME + "-load-1");
        Path pods = IndexedJobPods.write(job, WORK);
        List<String> containers = IndexedJobPods.containers(job);
        try {
            Commands.podman("kube", "play", "--network=host", pods.toString()).orFail("podman kube play (load Job)");
            List<Path> logs = new ArrayList<>();
            for (String shard : containers) {
                String exit = Commands.podman("wait", shard).orFail("podman wait").output().trim();
                Path log = Files.writeString(WORK.resolve(shard + ".log"), Commands.podman("logs", shard).output());
                assertThat(exit).as("exit status of %s; log:%n%s", shard, Files.readString(log)).isEqualTo("0");
                logs.add(log);
            }
            JsonNode state = Chart.YAML.readTree(Commands.podman("container", "inspect", containers.get(0)).output()).get(0);
            assertThat(state.at("/HostConfig/ReadonlyRootfs").asBoolean()).as("read-only root filesystem").isTrue();
            assertThat(state.at("/Config/User").asText()).startsWith("185");

            // What `kubectl logs ... | load merge --expect-shards 3 -` reads: the pods' whole logs, reports among them.
            List<String> merge = new ArrayList<>(List.of("merge", "--expect-shards", "3", "--format", "json"));
            logs.forEach(log -> merge.add(log.toString()));
            LoadClient.Outcome merged = LoadClient.run(merge.toArray(String[]::new));
            assertThat(merged.exit()).as(merged.out() + merged.err()).isZero();
            JsonObject run = new JsonObject(merged.out().strip());
            JsonObject shards = run.getJsonObject("shards");
            assertThat(shards.getInteger("expected")).isEqualTo(3);
            assertThat(shards.getInteger("given")).isEqualTo(3);
            assertThat(shards.getJsonArray("missing")).isEmpty();
            assertThat(shards.getJsonArray("failed")).isEmpty();
            assertThat(shards.getDouble("startSkewMillis")).as("start skew").isNotNull().isNotNegative();
            System.out.printf("load Job: 3 pods started through index 0's barrier %.1f ms apart%n",
                    shards.getDouble("startSkewMillis"));

            List<JsonObject> reports = new ArrayList<>();
            for (Path log : logs) {
                reports.add(shardReport(log));
            }
            for (int index = 0; index < reports.size(); index++) {
                assertThat(reports.get(index).getJsonObject("shard"))
                        .isEqualTo(new JsonObject().put("index", index).put("count", 3));
            }
            for (String count : List.of("connections", "bytesSent", "bytesEchoed", "errors")) {
                assertThat(run.getLong(count)).as(count)
                        .isEqualTo(reports.stream().mapToLong(report -> report.getLong(count)).sum());
            }
            assertThat(reports).as("each shard's share of -c 6").allSatisfy(report ->
                    assertThat(report.getLong("connections")).isEqualTo(2));
            assertThat(run.getJsonObject("parameters").getValue("connections")).isEqualTo(6);
            assertThat(run.getLong("connections")).as("the whole run's -c 6").isEqualTo(6);
            assertThat(run.getLong("bytesEchoed")).as("the whole run's 6 x 256 KiB").isEqualTo(6 * 256 * 1024);
            assertThat(run.getLong("errors")).isZero();
            assertThat(run.getString("target")).isEqualTo(HOST + ":" + echoPort);
        } finally {
            Commands.podman("kube", "down", pods.toString());
        }
    }

    @Test
    @Order(6)
    void stoppingThePodDrainsTheConnectionInProgressAndExitsCleanly() throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> httpStatus("/q/health/ready") == 200);
        long grace = rendering.deployment().at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(grace).isGreaterThan(33);
        String pod = Commands.podman("inspect", "--format", "{{.Pod}}", container).orFail("podman inspect").output().trim();

        try (Socket inProgress = new Socket()) {
            inProgress.connect(new InetSocketAddress(HOST, echoPort), 5000);
            inProgress.setSoTimeout(30_000);
            OutputStream out = inProgress.getOutputStream();
            InputStream in = inProgress.getInputStream();
            out.write("before stop|".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("before stop|");

            // What the kubelet does: SIGTERM, then SIGKILL after the Deployment's grace period.
            Path stopLog = WORK.resolve("pod-stop.log");
            Process stop = Commands.start(stopLog, Map.of(), List.of("podman", "pod", "stop", "--time", String.valueOf(grace), pod));

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> httpStatus("/q/health/ready") == 503);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket(HOST, echoPort).close()).isInstanceOf(ConnectException.class));
            assertThat(stop.isAlive()).as("the connection in progress keeps the server alive").isTrue();

            out.write("after the listener closed".getBytes(StandardCharsets.US_ASCII));
            inProgress.shutdownOutput();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("after the listener closed");

            assertThat(stop.waitFor(grace + 30, TimeUnit.SECONDS)).as("podman pod stop finished").isTrue();
            assertThat(stop.exitValue()).as(Files.readString(stopLog)).isZero();
        }
        JsonNode state = Chart.YAML.readTree(Commands.podman("container", "inspect", container).output()).get(0).path("State");
        String logs = Commands.podman("logs", container).output();
        assertThat(state.path("Running").asBoolean()).isFalse();
        assertThat(state.path("OOMKilled").asBoolean()).isFalse();
        assertThat(state.path("ExitCode").asInt()).as("exit status after SIGTERM (137 = killed at the end of the"
                + " grace period); logs:%n%s", logs).isZero();
    }

    // ----------------------------------------------------------------------------------------------

    /** The rendered Deployment, with the changes podman requires (see the class comment). */
    static ObjectNode forPodmanHostNetwork(ObjectNode deployment) {
        ObjectNode copy = deployment.deepCopy();
        for (JsonNode c : copy.at("/spec/template/spec/containers")) {
            ObjectNode container = (ObjectNode) c;
            for (Iterator<JsonNode> env = container.path("env").iterator(); env.hasNext();) {
                String field = env.next().at("/valueFrom/fieldRef/fieldPath").asText();
                if (!field.isEmpty() && !PODMAN_FIELDS.contains(field)) {
                    env.remove();
                }
            }
            ArrayNode ports = (ArrayNode) container.remove("ports");
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode httpGet = container.path(probe).path("httpGet");
                if (httpGet instanceof ObjectNode get && get.path("port").isTextual()) {
                    for (JsonNode port : ports) {
                        if (port.path("name").asText().equals(get.path("port").asText())) {
                            get.put("port", port.path("containerPort").asInt());
                        }
                    }
                    assertThat(get.path("port").isInt()).as("%s port resolved", probe).isTrue();
                }
            }
        }
        // podman 4.3 mounts a Secret's data still base64-encoded (and crashes on a secret volume without "optional"):
        // the Secret's files come from a host directory instead, mounted where the chart mounts the Secret.
        for (JsonNode volume : copy.at("/spec/template/spec/volumes")) {
            if (volume.has("secret")) {
                assertThat(volume.at("/secret/secretName").asText()).isEqualTo(TLS_SECRET);
                ObjectNode replaced = (ObjectNode) volume;
                replaced.remove("secret");
                replaced.putObject("hostPath").put("path", uncheckedTlsSecretDirectory()).put("type", "Directory");
            }
        }
        return copy;
    }

    private static String uncheckedTlsSecretDirectory() {
        try {
            return tlsSecretDirectory().toAbsolutePath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one JSON report among a load pod's log lines. */
    static JsonObject shardReport(Path log) throws IOException {
        List<String> reports = Files.readAllLines(log).stream().filter(line -> line.startsWith("{")).toList();
        assertThat(reports).as("the shard's JSON report in %s", log).hasSize(1);
        return new JsonObject(reports.get(0));
    }

    /** The name podman gave the application container of the pod that {@code podman kube play} made of a Deployment. */
    static String applicationContainer(String deployment) {
        return Commands.podman("ps", "-a", "--format", "{{.Names}}", "--filter", "name=^" + deployment + "-pod")
                .orFail("podman ps").output().lines().filter(n -> n.endsWith("-tcp-echo")).findFirst()
                .orElseThrow(() -> new AssertionError("no tcp-echo container: " + Commands.podman("ps", "-a").output()));
    }

    static int httpStatus(String path) {
        return Http.status("http://" + HOST + ":" + managementPort + path);
    }

    static String httpBody(String path) throws IOException {
        return Http.body("http://" + HOST + ":" + managementPort + path);
    }

}
