package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real HAProxy (Debian's, installed by .ci/run) in the foreground on loopback, for the tests behind a balancer. */
public final class Haproxy implements AutoCloseable {

    private static final Path WORK = Path.of("target", "haproxy-it");

    private final Process process;
    private final Path log;

    private Haproxy(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts HAProxy with {@code config} (its global and defaults sections included) and waits for {@code port}. */
    public static Haproxy start(String name, String config, int port) throws IOException {
        assertThat(Commands.run(List.of("haproxy", "-v"), Map.of(), Path.of("."), Duration.ofSeconds(10)).exitCode())
                .as("HAProxy is needed for this test (apt-get install haproxy; see .ci/run)").isZero();
        Files.createDirectories(WORK);
        Path file = WORK.resolve(name + ".cfg");
        Files.writeString(file, config);
        Path log = WORK.resolve(name + ".log");
        Process haproxy = Commands.start(log, Map.of(), List.of("haproxy", "-db", "-f", file.toString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> listening(port) || !haproxy.isAlive());
        assertThat(haproxy.isAlive()).as("haproxy started; see %s", log).isTrue();
        return new Haproxy(haproxy, log);
    }

    /** What HAProxy printed so far: its warnings, such as a server going DOWN. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    private static boolean listening(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
