package io.tcpecho.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Follows each pod's readiness the way the kubelet's readiness probe and the EndpointSlice controller do between them:
 * every {@link #POLL} a GET of {@code /q/health/ready} on each pod's management port, over the node's bridge; a pod is
 * ready at its first 200 and not ready after {@link #FAILURE_THRESHOLD} answers in a row that are not 200 (Kubernetes'
 * default threshold). Each time the set of ready pods changes it is handed on, as an EndpointSlice is to kube-proxy.
 */
final class EndpointUpdater implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(200);
    static final int FAILURE_THRESHOLD = 3;

    private final String node;
    /** Each pod by name, and its readiness URL. */
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Set<String> ready = new TreeSet<>();
    private final Consumer<Set<String>> readyChanged;
    private final Thread thread;
    private volatile boolean stopped;

    /** Polls from network namespace {@code node}; {@code readyChanged} gets each new set of ready pods. */
    EndpointUpdater(String node, Consumer<Set<String>> readyChanged) {
        this.node = node;
        this.readyChanged = readyChanged;
        this.thread = new Thread(this::run, "endpoint-updater-" + node);
        thread.setDaemon(true);
        thread.start();
    }

    /** Follows a pod whose management port answers at {@code address}:9000. */
    void follow(String pod, String address) {
        urls.put(pod, "http://" + address + ":9000/q/health/ready");
    }

    private void run() {
        while (!stopped) {
            long next = System.nanoTime() + POLL.toNanos();
            Map<String, Boolean> answers;
            try {
                answers = probe();
            } catch (AssertionError interrupted) {
                if (stopped) {
                    return; // close() interrupted the probe in flight: the end of polling, not a failure
                }
                throw interrupted;
            }
            boolean changed = false;
            for (Map.Entry<String, Boolean> answer : answers.entrySet()) {
                String pod = answer.getKey();
                if (answer.getValue()) {
                    failures.remove(pod);
                    changed |= ready.add(pod);
                } else if (failures.merge(pod, 1, Integer::sum) >= FAILURE_THRESHOLD) {
                    changed |= ready.remove(pod);
                }
            }
            if (changed) {
                readyChanged.accept(Set.copyOf(ready));
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Whether each pod answered 200, from one curl inside the node's namespace (a process per round, not per pod: the
     * machine has two cores); a pod that does not answer within a second (the kubelet's default timeout) is not ready.
     */
    private Map<String, Boolean> probe() {
        Map<String, String> polled = Map.copyOf(urls);
        Map<String, Boolean> answers = new HashMap<>();
        if (polled.isEmpty()) {
            return answers;
        }
        List<String> pods = List.copyOf(polled.keySet());
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", node, "curl", "-s",
                "--max-time", "1", "-w", "%{http_code}\\n"));
        for (String pod : pods) {
            command.addAll(List.of("-o", "/dev/null", polled.get(pod)));
        }
        List<String> codes = Commands.run(command, Map.of(), Path.of("."), Duration.ofSeconds(10))
                .output().lines().toList();
        for (int i = 0; i < pods.size(); i++) {
            answers.put(pods.get(i), i < codes.size() && codes.get(i).equals("200"));
        }
        return answers;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(10_000);
    }
}
