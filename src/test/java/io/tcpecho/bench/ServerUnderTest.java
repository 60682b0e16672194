package io.tcpecho.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.tcpecho.testing.Commands;
import io.tcpecho.testing.ServerProcess;

/**
 * One server the benchmark loads: ours (the packaged service, a {@link ServerProcess}; also an earlier build of it) or a peer (the Netty
 * baseline, the Go or the Node.js echo: a plain process that prints {@code READY} once it listens). A peer serves
 * only the listeners it has ports for.
 */
final class ServerUnderTest {

    /** Which of a server's listeners a workload loads. */
    enum Listener {
        TCP, TLS, UDP
    }

    final String name;
    final Map<Listener, Integer> ports;
    /** From the start of the process to ready (ours: /q/health/ready 200; a peer: READY, printed once bound). */
    final double readyMillis;
    private final ProcessHandle process;
    private final ServerProcess ours;
    private final Process peer;

    private ServerUnderTest(String name, Map<Listener, Integer> ports, double readyMillis, ProcessHandle process,
            ServerProcess ours, Process peer) {
        this.name = name;
        this.ports = ports;
        this.readyMillis = readyMillis;
        this.process = process;
        this.ours = ours;
        this.peer = peer;
    }

    static ServerUnderTest ours(String name, ServerProcess process, Map<Listener, Integer> ports, double readyMillis) {
        return new ServerUnderTest(name, ports, readyMillis, ProcessHandle.of(process.pid()).orElseThrow(), process,
                null);
    }

    /** Starts a peer's {@code command} and waits for the READY line its output ends with once it listens. */
    static ServerUnderTest startPeer(String name, List<String> command, Map<Listener, Integer> ports) throws IOException {
        long begin = System.nanoTime();
        Path log = Files.createTempFile("tcp-echo-bench-" + name + "-", ".log");
        log.toFile().deleteOnExit();
        Process process = Commands.start(log, Map.of(), command);
        await(name + "'s READY").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            return Files.readString(log).contains("READY");
        });
        return new ServerUnderTest(name, ports, (System.nanoTime() - begin) / 1e6, process.toHandle(), null, process);
    }

    boolean serves(Listener listener) {
        return ports.containsKey(listener);
    }

    int port() {
        return ports.get(Listener.TCP);
    }

    /** Our server's log lines (empty for a peer). */
    List<String> outputLines() {
        return ours == null ? List.of() : ours.outputLines();
    }

    /** VmRSS once it has moved less than 64 KiB in a second (the server has settled). */
    long settledRssKiB() {
        long[] last = { -1 };
        return await("a settled VmRSS of " + name).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    long previous = last[0];
                    last[0] = rssKiB();
                    return previous >= 0 && Math.abs(last[0] - previous) < 64 ? last[0] : -1;
                }, kib -> kib >= 0);
    }

    private long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + name);
    }

    void kill() throws IOException, InterruptedException {
        if (ours != null) {
            ours.close();
        } else {
            peer.destroyForcibly();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
