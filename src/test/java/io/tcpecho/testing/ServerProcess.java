package io.tcpecho.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, as it runs in
 * production, on free loopback ports. Output goes to a file so that tests can read what it logged.
 */
public final class ServerProcess implements AutoCloseable {

    /** Every port {@link #freePort()} returned in this JVM, tests running in parallel included. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    public static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /**
     * The packaged application as a JUnit resource lock, for integration test classes that run at the same time:
     * those that run the jar read it; the image build (a nested {@code ./mvnw package}) moves it aside while it runs.
     */
    public static final String PACKAGED_APP = "target/quarkus-app";
    /** The AppCDS archive a build dumps next to the jar (application.properties, quarkus.package.jar.appcds). */
    public static final String APP_CDS_ARCHIVE = "app-cds.jsa";

    private final Process process;
    private final Path output;
    private final int echoPort;
    private final int managementPort;

    private ServerProcess(Process process, Path output, int echoPort, int managementPort) {
        this.process = process;
        this.output = output;
        this.echoPort = echoPort;
        this.managementPort = managementPort;
    }

    /** Starts the packaged jar with loopback, free ports, and {@code env} on top. */
    public static ServerProcess start(Map<String, String> env) throws IOException {
        return start(JAR, List.of(), env);
    }

    /** Starts {@code jar} with {@code jvmFlags}, loopback, free ports, and {@code env} on top. */
    public static ServerProcess start(Path jar, List<String> jvmFlags, Map<String, String> env) throws IOException {
        return start(List.of(), Path.of(""), jar, jvmFlags, env);
    }

    /**
     * Starts the packaged application in {@code quarkusApp} as README.md runs it in production: from that directory,
     * with the AppCDS archive the build dumped next to the jar when there is one (an earlier build may have none).
     */
    public static ServerProcess startFromItsDirectory(Path quarkusApp, List<String> jvmFlags, Map<String, String> env)
            throws IOException {
        return startFromItsDirectory(List.of(), quarkusApp, jvmFlags, env);
    }

    private static ServerProcess startFromItsDirectory(List<String> launcher, Path quarkusApp, List<String> jvmFlags,
            Map<String, String> env) throws IOException {
        List<String> flags = new ArrayList<>();
        if (Files.exists(quarkusApp.resolve(APP_CDS_ARCHIVE))) {
            flags.add("-XX:SharedArchiveFile=" + APP_CDS_ARCHIVE);
        }
        flags.addAll(jvmFlags);
        return start(launcher, quarkusApp, Path.of("quarkus-run.jar"), flags, env);
    }

    /**
     * Starts the packaged application from its directory, as {@link #startFromItsDirectory(Path, List, Map)} does, in
     * network namespace {@code namespace} ({@code ip netns exec}, which runs it as the process itself, so that SIGTERM
     * and SIGKILL reach the JVM), with {@code env} on top; the namespace's addresses are its own, so {@code env} says
     * where it listens.
     */
    public static ServerProcess startInNamespace(String namespace, Map<String, String> env) throws IOException {
        return startFromItsDirectory(List.of("ip", "netns", "exec", namespace), Path.of(PACKAGED_APP), List.of(), env);
    }

    /** {@code launcher} runs the java command line (empty: as it is). */
    private static ServerProcess start(List<String> launcher, Path directory, Path jar, List<String> jvmFlags,
            Map<String, String> env) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("ECHO_HOST", EchoClient.HOST);
        settings.put("ECHO_PORT", String.valueOf(freePort()));
        settings.put("QUARKUS_MANAGEMENT_HOST", EchoClient.HOST);
        settings.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
        settings.putAll(env);
        Path output = Files.createTempFile("tcp-echo-", ".log");
        List<String> command = new ArrayList<>(launcher);
        command.addAll(JavaCommand.jar(jar, jvmFlags, List.of()));
        Process process = Commands.start(output, settings, command, directory);
        return new ServerProcess(process, output, portOrMinusOne(settings.get("ECHO_PORT")),
                portOrMinusOne(settings.get("QUARKUS_MANAGEMENT_PORT")));
    }

    /**
     * A port free on every address now, and not handed out before by this JVM: the kernel may give the port it gave
     * a moment ago again once that socket is closed (a test configured its TLS and a fault port on the same one).
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    /** Tests of bad configuration pass values that are not ports at all. */
    private static int portOrMinusOne(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException notAPort) {
            return -1;
        }
    }

    public int echoPort() {
        return echoPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public long pid() {
        return process.pid();
    }

    /** Whether this JVM has an AppCDS archive of that name mapped (a JVM that rejects an archive unmaps it). */
    public boolean mapsAppCdsArchive() throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid()), "maps")).contains("/" + APP_CDS_ARCHIVE);
    }

    /** Waits until {@code /q/health/ready} answers 200. */
    public ServerProcess awaitReady(Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + output());
                }
                return readinessStatus() == 200;
            });
            return this;
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the server was not ready within " + timeout + ":\n" + output());
        }
    }

    /** The HTTP status of {@code /q/health/ready}, or -1 when nothing answers. */
    public int readinessStatus() {
        return Http.status(managementUrl("/q/health/ready"));
    }

    public String managementUrl(String path) {
        return "http://" + EchoClient.HOST + ":" + managementPort + path;
    }

    /** Sends SIGTERM, as Kubernetes does to stop a pod. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL, as the kernel's OOM killer or a failed node does, and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit and returns its status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the server did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    public List<String> outputLines() {
        return output().lines().toList();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(output);
    }
}
