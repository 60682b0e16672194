package io.tcpecho.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import org.awaitility.core.ConditionTimeoutException;

import io.tcpecho.deploy.TestImage;
import io.tcpecho.testing.Commands;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.ServerProcess;

/**
 * Start to ready under podman, as a pod would start: the application image built as the image tests build it
 * ({@link TestImage}), and the Netty baseline run by the same image's JVM, its classes mounted read-only, so that
 * both pay the same container start. Each runs with the chart's default memory limit on host networking, timed
 * from {@code podman run} to ready (ours: /q/health/ready 200; the baseline: its port accepts), the two taking
 * turns. What podman itself adds is measured apart: a run of the image's {@code java -version}.
 */
final class ImageStart {

    private static final String CONTAINER = "tcp-echo-bench";
    private static final String MEMORY = "512m";
    /** Where the baseline's directories are mounted in its container: /bench/0, /bench/1, ... */
    private static final String MOUNT = "/bench/";

    /** Start to ready of each, in milliseconds, in the order measured. */
    record Starts(List<Double> ours, List<Double> baseline) {
    }

    private final Consumer<String> say;

    ImageStart(Consumer<String> say) {
        this.say = say;
    }

    /**
     * @param directories the host directories that hold the baseline's classes and jars, each mounted read-only
     * @param baselineJava the baseline's JVM flags, class path and main class as on the host, every path of its
     *        class path under one of {@code directories}
     */
    Starts measure(int times, List<Path> directories, List<String> baselineJava) throws IOException {
        TestImage.build();
        List<String> volumes = new ArrayList<>();
        List<String> inContainer = baselineJava;
        for (int i = 0; i < directories.size(); i++) {
            String host = directories.get(i).toString();
            volumes.addAll(List.of("--volume", host + ":" + MOUNT + i + ":ro"));
            String mounted = MOUNT + i;
            inContainer = inContainer.stream().map(a -> a.replace(host, mounted)).toList();
        }
        Starts starts = new Starts(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < times; i++) {
            starts.ours().add(ours(i + 1));
            starts.baseline().add(baseline(volumes, inContainer));
        }
        return starts;
    }

    private double ours(int run) throws IOException {
        int echoPort = ServerProcess.freePort();
        int managementPort = ServerProcess.freePort();
        String ready = "http://127.0.0.1:" + managementPort + "/q/health/ready";
        double millis = timed(List.of("--env", "ECHO_HOST=127.0.0.1", "--env", "ECHO_PORT=" + echoPort,
                "--env", "QUARKUS_MANAGEMENT_HOST=127.0.0.1", "--env", "QUARKUS_MANAGEMENT_PORT=" + managementPort,
                TestImage.REFERENCE), () -> Http.status(ready) == 200);
        String started = Commands.podman("logs", CONTAINER).output().lines()
                .filter(l -> l.contains("started in")).findFirst().orElse("");
        say.accept("image start " + run + ": " + started.substring(Math.max(0, started.indexOf("tcp-echo"))));
        Commands.podman("rm", "--force", "--time", "0", CONTAINER).orFail("podman rm");
        return millis;
    }

    private double baseline(List<String> volumes, List<String> java) throws IOException {
        int port = ServerProcess.freePort();
        // As root: the benchmark's work directory is private to root on the host (mktemp -d), the image's user not.
        List<String> run = new ArrayList<>(List.of("--user", "0"));
        run.addAll(volumes);
        // The image points every JVM at ours' AppCDS archive, which the baseline's class path does not match.
        run.addAll(List.of("--env", "JAVA_TOOL_OPTIONS=", "--entrypoint", "java", TestImage.REFERENCE));
        run.addAll(java);
        run.addAll(List.of(Integer.toString(port), "0"));
        double millis = timed(run, () -> accepts(port));
        Commands.podman("rm", "--force", "--time", "0", CONTAINER).orFail("podman rm");
        return millis;
    }

    /** From {@code podman run} of the given arguments until {@code ready}, polled every 5 ms. */
    private static double timed(List<String> runArguments, Callable<Boolean> ready) {
        Commands.podman("rm", "--force", "--time", "0", CONTAINER);
        List<String> command = new ArrayList<>(List.of("run", "--detach", "--name", CONTAINER, "--network=host",
                "--memory=" + MEMORY));
        command.addAll(runArguments);
        long begin = System.nanoTime();
        Commands.podman(command.toArray(String[]::new)).orFail("podman " + String.join(" ", command));
        try {
            await("ready in the container").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(ready);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("not ready within 60 s: podman " + String.join(" ", command) + "\n"
                    + Commands.podman("logs", CONTAINER).output(), e);
        }
        return (System.nanoTime() - begin) / 1e6;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    List<Double> podmanOverhead(int times) {
        List<Double> runs = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            long begin = System.nanoTime();
            Commands.podman("run", "--rm", "--network=host", "--memory=" + MEMORY, "--entrypoint", "java",
                    TestImage.REFERENCE, "-version").orFail("podman run java -version");
            runs.add((System.nanoTime() - begin) / 1e6);
        }
        return runs;
    }
}
