package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
    private final Path runtimeSocket;

    private Haproxy(Process process, Path log, Path runtimeSocket) {
        this.process = process;
        this.log = log;
        this.runtimeSocket = runtimeSocket;
    }

    /**
     * Where the runtime API of the configuration named {@code name} listens, for its {@code global} section's
     * {@code stats socket PATH level admin}.
     */
    public static Path runtimeSocket(String name) {
        return WORK.resolve(name + ".sock").toAbsolutePath();
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
        return new Haproxy(haproxy, log, runtimeSocket(name));
    }

    /** Sends one command to the runtime API ({@link #runtimeSocket}) and returns HAProxy's answer. */
    public String runtime(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(runtimeSocket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            // One command per connection: HAProxy answers, then closes.
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What HAProxy printed so far: its warnings, such as a server going DOWN. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /**
     * Whether something listens on {@code port}, from the kernel's socket table: a probe connection would go through
     * the balancer and take a turn of its round robin from the test's own connections.
     */
    private static boolean listening(int port) throws IOException {
        String local = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                // fields[1] is local_address (hex address:port), fields[3] the state: 0A is LISTEN.
                if (fields.length > 3 && (fields[1] + " ").endsWith(local) && fields[3].equals("0A")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
