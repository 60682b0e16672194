package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A rolling update as a Deployment with {@code maxSurge: 1, maxUnavailable: 0} makes it: for each old pod in turn, a
 * new pod is started and awaited in the rotation, then the old one gets SIGTERM, is awaited out of the rotation and
 * exits. The next new pod starts once the old one exited (a Deployment starts it as the old one begins to terminate), so
 * that no JVM start competes with a drain for the machine's two cores. The drills run it through each balancer they test,
 * with the pods' shutdown settings and the workload here, which suit each other.
 */
public final class RollingUpdate {

    /**
     * How the drills' pods shut down: readiness DOWN for 2 s before the listeners close, longer than a balancer takes
     * to stop sending new connections to them (three failed checks 200 ms apart); then every connection quiet for
     * 50 ms gets the server's FIN between messages. The drain timeout only bounds a drill that goes wrong.
     */
    public static final Map<String, String> GRACEFUL_SHUTDOWN = Map.of("QUARKUS_SHUTDOWN_DELAY", "2s",
            "ECHO_DRAIN_QUIET_CLOSE", "50ms", "ECHO_DRAIN_TIMEOUT", "5s");

    /** The drills' long-lived connections. */
    public static final int CONNECTIONS = 4;
    /** How often the drills' {@code load steady} opens a new connection to probe with. */
    public static final Duration PROBE_INTERVAL = Duration.ofMillis(50);

    /**
     * {@code load steady}'s options in the drills, besides {@code -c} and the budgets: a message a second on each
     * connection. The quiet close ends a connection at an arbitrary moment of that second (when the drain begins); its
     * FIN crosses the client's next message only when it is on its way as that message is sent, a few milliseconds on a
     * busy machine in a second, so that a drill can ask for no lost byte. Probes every 50 ms, so that a dead pod in a
     * Service's map for three polls meets several.
     */
    private static final List<String> WORKLOAD = List.of("--identity", "-m", "64", "-r", "1", "--timeout", "3s",
            "--probe-interval", PROBE_INTERVAL.toMillis() + "ms");

    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final AtomicInteger PODS = new AtomicInteger();

    private RollingUpdate() {
    }

    /** The drills' {@code load steady} options ({@link #WORKLOAD}) with {@code budgets} on top. */
    public static List<String> workload(String... budgets) {
        List<String> options = new ArrayList<>(WORKLOAD);
        options.addAll(List.of(budgets));
        return options;
    }

    /** Names for {@code count} pods, each used once in this JVM, as a ReplicaSet's pods have. */
    public static List<String> names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "pod-" + PODS.incrementAndGet()).toList();
    }

    /** Starts pods of these names and waits until all are in the rotation. */
    public static List<Pod> startAll(Rotation rotation, List<String> names) throws IOException {
        List<Pod> pods = new ArrayList<>();
        for (String name : names) {
            pods.add(rotation.start(name));
        }
        pods.forEach(rotation::awaitIn);
        return pods;
    }

    /** Replaces {@code old} by pods named {@code newNames}, one at a time, each old one exiting with status 0. */
    public static List<Pod> roll(Rotation rotation, List<Pod> old, List<String> newNames)
            throws IOException, InterruptedException {
        assertThat(newNames).hasSameSizeAs(old);
        List<Pod> fresh = new ArrayList<>();
        for (int i = 0; i < old.size(); i++) {
            Pod next = rotation.start(newNames.get(i));
            rotation.awaitIn(next);
            fresh.add(next);
            Pod leaving = old.get(i);
            leaving.server().terminate();
            rotation.awaitOut(leaving);
            assertThat(leaving.server().awaitExit(EXIT)).as("%s's exit status", leaving.name()).isZero();
        }
        return fresh;
    }
}
