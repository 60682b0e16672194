package io.tcpecho.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.tcpecho.deploy.TestImage;
import io.tcpecho.testing.Commands;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.ServerProcess;

/**
 * Start to ready of the application image under podman, as a pod would start it: built as the image tests build it
 * ({@link TestImage}), run with the chart's default memory limit on host networking, timed from {@code podman run}
 * to /q/health/ready 200. What podman itself adds is measured apart: a run of the image's {@code java -version}.
 */
final class ImageStart {

    private static final String CONTAINER = "tcp-echo-bench";
    private static final String MEMORY = "512m";

    private final Consumer<String> say;

    ImageStart(Consumer<String> say) {
        this.say = say;
    }

    List<Double> measure(int times) throws IOException {
        TestImage.build();
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            int echoPort = ServerProcess.freePort();
            int managementPort = ServerProcess.freePort();
            Commands.podman("rm", "--force", "--time", "0", CONTAINER);
            long begin = System.nanoTime();
            Commands.podman("run", "--detach", "--name", CONTAINER, "--network=host", "--memory=" + MEMORY,
                    "--env", "ECHO_HOST=127.0.0.1", "--env", "ECHO_PORT=" + echoPort,
                    "--env", "QUARKUS_MANAGEMENT_HOST=127.0.0.1", "--env", "QUARKUS_MANAGEMENT_PORT=" + managementPort,
                    TestImage.REFERENCE).orFail("podman run " + TestImage.REFERENCE);
            String ready = "http://127.0.0.1:" + managementPort + "/q/health/ready";
            await("the image's readiness").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Http.status(ready) == 200);
            starts.add((System.nanoTime() - begin) / 1e6);
            String started = Commands.podman("logs", CONTAINER).output().lines()
                    .filter(l -> l.contains("started in")).findFirst().orElse("");
            say.accept("image start " + (i + 1) + ": " + started.substring(Math.max(0, started.indexOf("tcp-echo"))));
            Commands.podman("rm", "--force", "--time", "0", CONTAINER).orFail("podman rm");
        }
        return starts;
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
