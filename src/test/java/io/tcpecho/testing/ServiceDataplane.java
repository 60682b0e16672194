package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A Kubernetes Service on one machine, as kube-proxy's nftables mode makes it: a node (a network namespace with a
 * bridge), pods (namespaces of their own, each with an address on the bridge, running the packaged server with its
 * identity listener), and a ClusterIP that nftables DNATs, in the node's output hook, to the ready pods. An
 * {@link EndpointUpdater} follows the pods' readiness; each change of the ready set rewrites the map in one
 * {@code nft -f} transaction, and conntrack keeps established connections on their pod, as in a cluster. The
 * dataplane keeps its own record of when each pod entered and left the map. Programs that use the Service run in
 * the node's namespace ({@link #launcher()}).
 * <p>
 * The map picks pods in turn ({@code numgen inc}) where kube-proxy picks at random: then any three new connections in
 * a row meet each of three pods once, so that a drill cannot pass by luck, such as no connection meeting a dead pod.
 * Namespace names are unique per instance; {@link #close()} ends every pod and deletes every namespace.
 */
public final class ServiceDataplane implements Rotation, AutoCloseable {

    /** The Service's address and port, from the ClusterIP range the node routes to its bridge. */
    public static final String CLUSTER_IP = "10.250.1.10";
    public static final int PORT = 7008;
    /** In each pod: the echo port, the identity listener (the Service's target port), the management port. */
    private static final int ECHO_PORT = 7007;
    private static final int IDENTITY_PORT = 7008;
    /** How often the endpoint updater polls each pod's readiness. */
    public static final Duration READINESS_POLL = EndpointUpdater.POLL;
    private static final Duration START = Duration.ofSeconds(60);

    /** A pod entered the map ({@code entered}) or left it, when the transaction that did it was committed. */
    public record Change(String pod, boolean entered, Instant at) {
    }

    private final String prefix;
    private final String node;
    private final Map<String, String> addresses = new HashMap<>();
    private final Map<String, String> namespaces = new HashMap<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Change> record = new ArrayList<>();
    private Set<String> inMap = Set.of();
    private final EndpointUpdater updater;

    private ServiceDataplane(String prefix) {
        this.prefix = prefix;
        this.node = prefix + "-node";
        this.updater = new EndpointUpdater(node, this::rewrite);
    }

    /**
     * Makes the node and an empty Service, or skips the test when this machine does not let it make network
     * namespaces or lacks nftables or curl.
     */
    public static ServiceDataplane create() {
        String prefix = "te" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24), 6);
        String refused = refusal(List.of("nft", "--version"), "nftables (apt-get install nftables)");
        if (refused == null) {
            refused = refusal(List.of("curl", "--version"), "curl (apt-get install curl)");
        }
        if (refused == null) {
            refused = refusal(List.of("ip", "netns", "add", prefix + "-node"), "network namespaces (root, iproute2)");
        }
        Assumptions.assumeTrue(refused == null, refused);
        ServiceDataplane dataplane = new ServiceDataplane(prefix);
        try {
            dataplane.inNode("ip", "link", "set", "lo", "up");
            dataplane.inNode("ip", "link", "add", "br0", "type", "bridge");
            dataplane.inNode("ip", "addr", "add", "10.250.0.1/24", "dev", "br0");
            dataplane.inNode("ip", "link", "set", "br0", "up");
            dataplane.inNode("ip", "route", "add", "10.250.1.0/24", "dev", "br0");
            // The drills' own instrument, apart from the Service: resets each pod sent from the Service's target port,
            // counted before the reply's source is translated back to the ClusterIP (later in the input hook).
            dataplane.nft("table ip drill {\n chain resets {\n  type filter hook input priority 0;\n }\n}\n");
            dataplane.rewrite(Set.of());
            return dataplane;
        } catch (RuntimeException | AssertionError e) {
            dataplane.close();
            throw e;
        }
    }

    /** The command line prefix that runs a program in the node's namespace, where the ClusterIP is served. */
    public List<String> launcher() {
        return List.of("ip", "netns", "exec", node);
    }

    /** A pod: a namespace of its own on the bridge, the packaged server in it, followed by the endpoint updater. */
    @Override
    public synchronized Pod start(String name) throws IOException {
        int index = namespaces.size() + 1;
        String namespace = prefix + "-p" + index;
        String address = "10.250.0." + (10 + index);
        String veth = "v" + prefix.substring(2) + "p" + index;
        run(List.of("ip", "netns", "add", namespace)).orFail("ip netns add " + namespace);
        namespaces.put(name, namespace);
        inNode("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        inNode("ip", "link", "set", veth, "master", "br0", "up");
        in(namespace, "ip", "addr", "add", address + "/24", "dev", "eth0");
        in(namespace, "ip", "link", "set", "eth0", "up");
        in(namespace, "ip", "link", "set", "lo", "up");
        in(namespace, "ip", "route", "add", "default", "via", "10.250.0.1");
        nft("add counter ip drill resets_" + index + "\n"
                + "add rule ip drill resets ip saddr " + address + " tcp sport " + IDENTITY_PORT
                + " tcp flags rst counter name resets_" + index + "\n");
        Map<String, String> env = new HashMap<>(RollingUpdate.GRACEFUL_SHUTDOWN);
        env.putAll(Map.of("POD_NAME", name, "ECHO_HOST", "0.0.0.0", "ECHO_PORT", String.valueOf(ECHO_PORT),
                "ECHO_IDENTITY_PORT", String.valueOf(IDENTITY_PORT), "QUARKUS_MANAGEMENT_HOST", "0.0.0.0",
                "QUARKUS_MANAGEMENT_PORT", "9000"));
        Pod pod = new Pod(name, ServerProcess.startInNamespace(namespace, env));
        pods.add(pod);
        addresses.put(name, address);
        updater.follow(name, address);
        return pod;
    }

    @Override
    public void awaitIn(Pod pod) {
        awaitMap(pod, true);
    }

    @Override
    public void awaitOut(Pod pod) {
        awaitMap(pod, false);
    }

    private void awaitMap(Pod pod, boolean in) {
        try {
            await().atMost(START).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (in && !pod.server().isAlive()) {
                    throw new IllegalStateException(pod.name() + " exited:\n" + pod.server().output());
                }
                return inMap(pod.name()) == in;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(pod.name() + (in ? " did not enter" : " did not leave") + " the Service's map within "
                    + START + "; record: " + record() + "\n" + pod.server().output(), e);
        }
    }

    private synchronized boolean inMap(String pod) {
        return inMap.contains(pod);
    }

    /** When each pod entered and left the map, in order. */
    public synchronized List<Change> record() {
        return List.copyOf(record);
    }

    /** How many TCP resets each pod has sent from the Service's target port (refused connects among them), by pod. */
    public synchronized Map<String, Long> resetsSent() {
        String counters = inNode("nft", "list", "counters", "table", "ip", "drill");
        Map<String, Long> resets = new HashMap<>();
        namespaces.forEach((pod, namespace) -> {
            String index = namespace.substring(namespace.lastIndexOf("-p") + 2);
            Matcher found = Pattern.compile("counter resets_" + index + " \\{\\s*packets (\\d+)")
                    .matcher(counters);
            assertThat(found.find()).as("counter resets_%s in %s", index, counters).isTrue();
            resets.put(pod, Long.parseLong(found.group(1)));
        });
        return resets;
    }

    /** Whether {@code pod} has an established connection on its identity listener (the Service's target port). */
    public boolean hasEstablishedConnections(Pod pod) {
        return !in(namespaces.get(pod.name()), "ss", "-Htn", "state", "established", "( sport = :" + IDENTITY_PORT + " )")
                .isBlank();
    }

    /** The ready pods' new map, in one transaction that replaces the old one; the change goes on the record. */
    private synchronized void rewrite(Set<String> ready) {
        StringBuilder rule = new StringBuilder("table ip svc {\n chain out {\n  type nat hook output priority -100;\n");
        List<String> endpoints = new ArrayList<>(new TreeSet<>(ready));
        if (!endpoints.isEmpty()) {
            StringBuilder map = new StringBuilder();
            for (int i = 0; i < endpoints.size(); i++) {
                map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(addresses.get(endpoints.get(i)));
            }
            rule.append(String.format("  ip daddr %s tcp dport %d dnat to numgen inc mod %d map { %s }%n", CLUSTER_IP,
                    PORT, endpoints.size(), map));
        }
        rule.append(" }\n}\n");
        // Declaring the table first makes "delete" valid on the first rewrite too; all of it is one transaction.
        nft("add table ip svc\ndelete table ip svc\n" + rule);
        Instant at = Instant.now();
        for (String pod : new TreeSet<>(inMap)) {
            if (!ready.contains(pod)) {
                record.add(new Change(pod, false, at));
            }
        }
        for (String pod : endpoints) {
            if (!inMap.contains(pod)) {
                record.add(new Change(pod, true, at));
            }
        }
        inMap = Set.copyOf(ready);
    }

    private void nft(String script) {
        Path file;
        try {
            file = Files.createTempFile("tcp-echo-nft-", ".nft");
            Files.writeString(file, script);
            try {
                inNode("nft", "-f", file.toString());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot write an nft script: " + e, e);
        }
    }

    private String inNode(String... command) {
        return in(node, command);
    }

    private static String in(String namespace, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        line.addAll(List.of(command));
        return run(line).orFail(String.join(" ", line)).output();
    }

    /** Why this machine cannot give a dataplane what {@code command} does, or null when it ran. */
    private static String refusal(List<String> command, String what) {
        try {
            Commands.Result result = run(command);
            return result.exitCode() == 0 ? null
                    : "a Service dataplane needs " + what + "; " + command + " said: " + result.output().strip();
        } catch (AssertionError cannotRun) {
            return "a Service dataplane needs " + what + ": " + cannotRun.getMessage();
        }
    }

    private static Commands.Result run(List<String> command) {
        return Commands.run(command, Map.of(), Path.of("."), Duration.ofSeconds(30));
    }

    /** Ends every pod first (a process inside keeps its namespace alive), then deletes the namespaces. */
    @Override
    public void close() {
        try {
            updater.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pod pod : pods) {
            try {
                pod.server().close();
            } catch (IOException | InterruptedException e) {
                // Deleting the namespaces below is still worth trying.
            }
        }
        for (String namespace : namespaces.values()) {
            run(List.of("ip", "netns", "del", namespace));
        }
        run(List.of("ip", "netns", "del", node));
    }
}
