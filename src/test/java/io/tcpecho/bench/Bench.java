package io.tcpecho.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tcpecho.bench.ServerUnderTest.Listener;
import io.tcpecho.testing.Commands;
import io.tcpecho.testing.JavaCommand;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.TestCertificates;

/**
 * The benchmark driver (see docs/load-client.md, "Benchmark"): starts the packaged echo server with its
 * production settings and its peers (the plain Netty baseline, and the Go, Node.js and C epoll echoes when given),
 * runs every workload of the load client against each server that has the listener, rotating which goes first,
 * for several rounds, measures idle memory per connection and start to ready (the jar, and the image under podman
 * with {@code --image}), and writes the medians and the ratios ours/peer to a Markdown file. The load client is the
 * shipped Java one, or the C client for the workloads it has ({@code --client c}); {@code --client both} also
 * compares the two against the C echo.
 */
public final class Bench {

    /**
     * JVM flags of the production image (quarkus.jib.jvm-additional-arguments) under a 1 GiB container limit,
     * plus the parallel collector (see bench/NOTES.md). Ours and the Netty baseline get the same flags.
     */
    static final String DEFAULT_SERVER_JVM = "-XX:MaxRAM=1g -XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=25.0 "
            + "-XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC";
    /**
     * The Java load client's JVM flags ({@code --client-jvm}): the parallel collector, as the servers', and the quick
     * compiler only, as the chart's load Job runs it (on two CPUs shared with the server, C2's compiling cost the client
     * more than its faster code bought: bench/NOTES.md, section 10).
     */
    static final String QUICK_COMPILER_ONLY = "-XX:TieredStopAtLevel=1";
    static final String DEFAULT_CLIENT_JVM = "-XX:+UseParallelGC " + QUICK_COMPILER_ONLY;
    static final String OURS = "ours";
    static final String NETTY = "netty";
    static final String GO = "go";
    static final String NODE = "node";
    /** The C epoll echo (bench/peers/echo.c): a measuring instrument, the most an echo gets from this machine. */
    static final String C_EPOLL = "c-epoll";
    /** Ours as an earlier build packaged it ({@code --before}): an A/B of a change on the same machine in one run. */
    static final String BEFORE = "before";

    /** The C client's source addresses on churn: sixteen of loopback's, each with its own ephemeral ports. */
    static final String CHURN_SOURCES = "127.0.0.1-127.0.0.16";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path app;
    private final Path classes;
    private final Path out;
    private final int rounds;
    private final boolean quick;
    private final List<String> serverJvm;
    private final List<String> clientJvm;
    private final Map<String, String> serverEnv;
    /** The environment of the earlier build only ({@code --before-env}): a setting A/B'd on one build passes it twice. */
    private final Map<String, String> beforeEnv;
    private final String notes;
    /** The Go echo's binary (bench/peers/echo.go, built by bench/run.sh), or null: no Go peer. */
    private final String goBinary;
    /** The Node.js echo's script (bench/peers/echo.js, run with the {@code node} on the PATH), or null: no Node.js peer. */
    private final String nodeScript;
    /** The C epoll echo's binary (bench/peers/echo.c, built by bench/run.sh), or null: no C peer. */
    private final String cEcho;
    /** The C load client's binary (bench/client/loadc.c, built by bench/run.sh), or null. */
    private final String cClient;
    /** The client of the results table, for the workloads it has (the Java client runs the others). */
    private final BenchClient client;
    /** With {@code --client both}: the Java client against the C client, both against the C echo; else null. */
    private final ClientComparison comparison;
    /** The quarkus-app directory of an earlier build of ours, or null. */
    private final Path before;
    /** What the earlier build is, for the report (e.g. its commit). */
    private final String beforeLabel;
    /** Whether to measure the start of the application image under podman too. */
    private final boolean image;
    /**
     * With {@code --workloads} and {@code --servers} (comma-separated keys and names), only those: an A/B of a change
     * on the hot path needs only ours and the build before on the workloads it touches, and rounds enough to see noise.
     */
    private final Set<String> onlyWorkloads;
    private final Set<String> onlyServers;
    /** What the continuous workload costs the client, unless --workloads leaves it out. */
    private final SteadyCost steadyCost;
    private final List<String> log = new ArrayList<>();
    /** The TLS listeners' certificate, ours and the baseline's. */
    private final TestCertificates certificates = TestCertificates.generate("bench", "localhost");

    private Bench(Map<String, String> options) {
        app = Path.of(options.getOrDefault("app", "target/quarkus-app")).toAbsolutePath();
        classes = Path.of(options.getOrDefault("classes", "target/bench-classes")).toAbsolutePath();
        out = Path.of(options.getOrDefault("out", "bench/RESULTS.md"));
        quick = options.containsKey("quick");
        rounds = Integer.parseInt(options.getOrDefault("rounds", quick ? "1" : "5"));
        serverJvm = split(options.getOrDefault("server-jvm", DEFAULT_SERVER_JVM));
        clientJvm = split(options.getOrDefault("client-jvm", DEFAULT_CLIENT_JVM));
        serverEnv = environment(options.getOrDefault("server-env", ""));
        beforeEnv = environment(options.getOrDefault("before-env", ""));
        notes = options.getOrDefault("notes", "bench/NOTES.md");
        goBinary = options.get("go");
        nodeScript = options.get("node");
        cEcho = options.get("c-echo");
        cClient = options.get("c-client");
        String clients = options.getOrDefault("client", "java");
        if (!List.of("java", "c", "both").contains(clients)) {
            throw new IllegalArgumentException("--client is java, c or both, not " + clients);
        }
        client = clients.equals("java") ? BenchClient.JAVA : BenchClient.C;
        if (client == BenchClient.C && cClient == null || clients.equals("both") && cEcho == null) {
            throw new IllegalArgumentException("--client " + clients + " needs --c-client"
                    + (clients.equals("both") ? " and --c-echo" : "") + " (bench/run.sh builds both)");
        }
        comparison = clients.equals("both") ? new ClientComparison(workloads()) : null;
        image = options.containsKey("image");
        onlyWorkloads = only(options.get("workloads"));
        onlyServers = only(options.get("servers"));
        steadyCost = onlyWorkloads == null || onlyWorkloads.contains(SteadyCost.KEY) ? new SteadyCost() : null;
        before = options.containsKey("before") ? Path.of(options.get("before")).toAbsolutePath() : null;
        beforeLabel = options.getOrDefault("before-label", String.valueOf(before));
    }

    private static Map<String, String> environment(String pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : split(pairs)) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("an environment setting is KEY=VALUE, not " + pair);
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return env;
    }

    private static Set<String> only(String commaSeparated) {
        return commaSeparated == null ? null : Set.copyOf(split(commaSeparated.replace(',', ' ')));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("quick") || name.equals("image")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        new Bench(options).run();
    }

    /**
     * @param metric the JSON field of the load client's report that is the result (higher is better)
     * @param latency the JSON object with the report's p50 and p99
     * @param targets per peer, the least ratio ours/peer that meets the target
     */
    record Workload(String key, String title, Listener listener, List<String> args, String metric, String unit,
            String latency, Map<String, Double> targets) {
    }

    /** The targets (bench/NOTES.md): parity with the Netty baseline within noise; Go and Node.js per issue 18. */
    private static Map<String, Double> targets(double netty, double go, double node) {
        Map<String, Double> targets = new LinkedHashMap<>();
        targets.put(NETTY, netty);
        targets.put(GO, go);
        targets.put(NODE, node);
        // An earlier build of ours: unchanged within the same noise as the baseline's target allows.
        targets.put(BEFORE, netty);
        return targets;
    }

    private List<Workload> workloads() {
        String pingpongTime = quick ? "3s" : "8s";
        String churnTime = quick ? "3s" : "8s";
        List<String> tls = List.of("--tls", "--tls-ca", certificates.trustFile().toString(), "--sni", "localhost");
        Map<String, Double> nettyOnly = Map.of(NETTY, 0.95);
        return Stream.of(
                new Workload("bulk1", "bulk, 1 connection x " + (quick ? "256 MiB" : "1 GiB") + ", half-close",
                        Listener.TCP, List.of("bulk", "-c", "1", "-s", quick ? "256MiB" : "1GiB"), "mibPerSecond", "MiB/s",
                        "latencyMicros", targets(0.95, 1.0, 1.0)),
                // Measured after a second of streaming, which a JVM client spends compiling its hot path on the CPUs it
                // shares with the server (a third of its CPU samples in a profile of a 1 GiB run).
                new Workload("bulk16", "bulk, 16 connections x " + (quick ? "16 MiB" : "256 MiB, the first second not measured")
                        + ", half-close", Listener.TCP, quick ? List.of("bulk", "-c", "16", "-s", "16MiB")
                                : List.of("bulk", "-c", "16", "-s", "256MiB", "-w", "1s"), "mibPerSecond", "MiB/s",
                        "latencyMicros", targets(0.95, 0.9, 1.0)),
                new Workload("pingpong", "pingpong, 64 connections, 64 B", Listener.TCP,
                        List.of("pingpong", "-c", "64", "-m", "64", "-d", pingpongTime, "-w", "2s"), "messagesPerSecond",
                        "msgs/s", "latencyMicros", targets(0.95, 1.0, 1.0)),
                new Workload("pingpong1", "pingpong, 1 connection, 64 B", Listener.TCP,
                        List.of("pingpong", "-c", "1", "-m", "64", "-d", pingpongTime, "-w", "2s"), "messagesPerSecond",
                        "msgs/s", "latencyMicros", targets(0.95, 1.0, 1.0)),
                new Workload("churn", "churn, 16 slots, 64 B, half-close", Listener.TCP,
                        List.of("churn", "-c", "16", "-m", "64", "-d", churnTime, "-w", "2s"), "connectionsPerSecond",
                        "conns/s", "latencyMicros", targets(0.9, 0.9, 1.0)),
                new Workload("tlsbulk", "TLS bulk, 1 connection x " + (quick ? "256 MiB" : "1 GiB") + ", close_notify + FIN",
                        Listener.TLS, concat(List.of("bulk", "-c", "1", "-s", quick ? "256MiB" : "1GiB"), tls),
                        "mibPerSecond", "MiB/s", "latencyMicros", nettyOnly),
                new Workload("tlschurn", "TLS churn, 16 slots, 64 B: a full handshake per connection",
                        Listener.TLS, concat(List.of("churn", "-c", "16", "-m", "64", "-d", churnTime, "-w", "2s"), tls),
                        "connectionsPerSecond", "handshakes/s", "latencyMicros", Map.of(NETTY, 0.9)),
                new Workload("udp", "UDP ping-pong, 20,000 datagrams/s of 64 B",
                        Listener.UDP, List.of("udp", "-r", "20000", "-m", "64", "-d", pingpongTime), "echoed",
                        "datagrams echoed", "roundTripMicros", nettyOnly))
                .filter(w -> onlyWorkloads == null || onlyWorkloads.contains(w.key())).toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }

    /** The servers of this run, ours first. */
    private List<String> serverNames() {
        List<String> names = new ArrayList<>(List.of(OURS, NETTY));
        if (goBinary != null) {
            names.add(GO);
        }
        if (nodeScript != null) {
            names.add(NODE);
        }
        if (cEcho != null) {
            names.add(C_EPOLL);
        }
        if (before != null) {
            names.add(BEFORE);
        }
        if (onlyServers != null) {
            names.removeIf(name -> !name.equals(OURS) && !onlyServers.contains(name));
        }
        return names;
    }

    private void run() throws Exception {
        String started = Instant.now().toString();
        say("machine: " + machine().replace('\n', ' '));
        String conntrackAtStart = conntrack();
        say("conntrack: " + conntrackAtStart.replace('\n', ' '));
        if (conntrackAtStart.contains("nft list tables: table")) {
            say("WARNING: nftables tables are loaded, so the kernel tracks every loopback connection: churn fills "
                    + "nf_conntrack_max within seconds and its figures are not the servers' (bench/NOTES.md, \"Limits of "
                    + "these numbers\")");
        }
        List<String> names = serverNames();

        // Start to ready first, on a quiet machine: the median of several cold starts of each.
        Map<String, List<Double>> starts = new LinkedHashMap<>();
        for (int i = 0; i < (quick ? 2 : 5); i++) {
            for (String name : names) {
                ServerUnderTest server = start(name);
                starts.computeIfAbsent(name, k -> new ArrayList<>()).add(server.readyMillis);
                server.kill();
            }
        }
        starts.forEach((name, values) -> say("start to ready: " + name + " " + values + " ms"));

        Map<String, ServerUnderTest> servers = new LinkedHashMap<>();
        for (String name : names) {
            servers.put(name, start(name));
        }
        servers.get(OURS).outputLines().stream().filter(l -> l.contains("Echo server listening")).reduce((a, b) -> b)
                .ifPresent(l -> say("ours: " + l.substring(l.indexOf("Echo server"))));
        Results results = new Results();
        List<String> failures = new ArrayList<>();
        try {
            say("warm-up round (not counted)");
            for (Workload w : workloads()) {
                for (ServerUnderTest server : servers.values()) {
                    if (server.serves(w.listener)) {
                        client(w, server, clientOf(w), true);
                    }
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (Workload w : workloads()) {
                    List<ServerUnderTest> order = new ArrayList<>(
                            servers.values().stream().filter(s -> s.serves(w.listener)).toList());
                    // Each server goes first in turn: who runs after whom on a shared machine is not a bias.
                    Collections.rotate(order, -(round - 1));
                    for (ServerUnderTest server : order) {
                        ClientRun run = client(w, server, clientOf(w), false);
                        if (!run.ok()) {
                            failures.add(w.key + " against " + server.name + " in round " + round + ": " + run.problem());
                            continue;
                        }
                        results.add(w.key, server.name, run.value(w), run.p50(w), run.p99(w));
                        say(round, w, server.name, run);
                    }
                }
                if (comparison != null) {
                    compareClients(round, servers.get(C_EPOLL), failures);
                }
                if (steadyCost != null) {
                    ClientRun run = client(SteadyCost.WORKLOAD, servers.get(OURS), BenchClient.JAVA, false);
                    if (run.ok()) {
                        steadyCost.add(run.report());
                        say("round " + round + ": steady's client CPU " + run.report().path("clientCpu"));
                    } else {
                        failures.add(SteadyCost.KEY + " in round " + round + ": " + run.problem());
                    }
                }
            }
        } finally {
            for (ServerUnderTest server : servers.values()) {
                server.kill();
            }
        }

        // Idle memory: a fresh server; 200 connections opened, checked and closed first, so that one-time costs
        // (classes, JIT, the allocator's first chunks) are not counted per connection; then VmRSS before and
        // while holding the idle connections.
        Map<String, double[]> idle = new LinkedHashMap<>();
        for (String name : names) {
            ServerUnderTest server = start(name);
            int connections = idleConnections(name);
            try {
                idleRun(server, 200, null);
                double[] rss = new double[3];
                idleRun(server, connections, rss);
                rss[2] = connections;
                idle.put(name, rss);
                say(String.format(Locale.ROOT, "idle %s: VmRSS %.0f KiB before, %.0f KiB with %d connections: %.2f KiB per connection",
                        name, rss[0], rss[1], connections, (rss[1] - rss[0]) / connections));
            } catch (IOException e) {
                failures.add("idle against " + name + ": " + e.getMessage());
            } finally {
                server.kill();
            }
        }

        // The image's start last: podman's network backend adds nftables NAT tables, and from then on the kernel
        // tracks every loopback connection, which churn fills (bench/NOTES.md, "Limits of these numbers").
        String conntrackAfterLoad = conntrack();
        if (image) {
            ImageStart imageStart = new ImageStart(say -> say(say));
            ImageStart.Starts inImage = imageStart.measure(quick ? 2 : 5, List.of(app, classes), baselineJava());
            starts.put(OURS + BenchReport.IMAGE, inImage.ours());
            starts.put(NETTY + BenchReport.IMAGE, inImage.baseline());
            starts.put(BenchReport.PODMAN_RUN, imageStart.podmanOverhead(quick ? 2 : 5));
            say("start to ready in the image: ours " + inImage.ours() + " ms, netty " + inImage.baseline() + " ms");
        }

        new BenchReport(names, workloads(), results, idle, starts, failures, log).write(out, Path.of(notes),
                header(started, conntrackAtStart, conntrackAfterLoad),
                (comparison == null ? "" : comparison.markdown()) + (steadyCost == null ? "" : steadyCost.markdown()));
        say("wrote " + out);
        if (!failures.isEmpty()) {
            say("FAILURES: " + failures);
            System.exit(1);
        }
    }

    /**
     * One round of the Java client against the C client, both against the C echo, on the workloads the comparison
     * has; each client goes first in turn.
     */
    private void compareClients(int round, ServerUnderTest cEchoServer, List<String> failures) throws Exception {
        for (Workload w : comparison.workloads()) {
            List<BenchClient> order = new ArrayList<>(List.of(BenchClient.values()));
            Collections.rotate(order, -(round - 1));
            for (BenchClient c : order) {
                ClientRun run = client(w, cEchoServer, c, false);
                if (!run.ok()) {
                    failures.add(w.key + " of the " + c.label + " against " + C_EPOLL + " in round " + round + ": "
                            + run.problem());
                    continue;
                }
                comparison.add(w, c, run.value(w), run.p50(w), run.p99(w));
                say(round, w, c.label + " against " + C_EPOLL, run);
            }
        }
    }

    private void say(int round, Workload w, String against, ClientRun run) {
        say(String.format(Locale.ROOT, "round %d %-9s %-8s %12.1f %s  p50 %.0f us  p99 %.0f us", round, w.key, against,
                run.value(w), w.unit, run.p50(w), run.p99(w)));
    }

    /**
     * Idle connections for the memory measurement. The Go echo holds three file descriptors per connection (the
     * connection and the pipe its splice moves bytes through), so it gets fewer, within the open-files limit (20,000
     * here); the result is per connection.
     */
    private int idleConnections(String name) {
        int connections = quick ? 2000 : 10_000;
        return name.equals(GO) ? Math.min(connections, 6000) : connections;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Servers

    private ServerUnderTest start(String name) throws Exception {
        return switch (name) {
            case OURS -> startOurs(app, OURS);
            case BEFORE -> startOurs(before, BEFORE);
            case NETTY -> startBaseline();
            case GO -> {
                int port = ServerProcess.freePort();
                yield ServerUnderTest.startPeer(GO, List.of(goBinary, "-addr", "127.0.0.1:" + port), Map.of(Listener.TCP, port));
            }
            case C_EPOLL -> {
                int port = ServerProcess.freePort();
                yield ServerUnderTest.startPeer(C_EPOLL, List.of(cEcho, "-addr", "127.0.0.1:" + port),
                        Map.of(Listener.TCP, port));
            }
            case NODE -> {
                int port = ServerProcess.freePort();
                yield ServerUnderTest.startPeer(NODE, List.of("node", nodeScript, "127.0.0.1", Integer.toString(port)),
                        Map.of(Listener.TCP, port));
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Ours, or ours as an earlier build packaged it: {@code quarkusApp} is the build's quarkus-app directory. */
    private ServerUnderTest startOurs(Path quarkusApp, String name) throws IOException, InterruptedException {
        int tlsPort = ServerProcess.freePort();
        int udpPort = ServerProcess.freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ECHO_TLS_PORT", Integer.toString(tlsPort));
        env.put("QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT", certificates.certFile().toString());
        env.put("QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY", certificates.keyFile().toString());
        env.put("ECHO_UDP_PORT", Integer.toString(udpPort));
        // The UDP rate limits would cap the run below what it sends: this measures the echo, the guard checks stay.
        env.put("ECHO_UDP_RATE_PER_SOURCE", "10000000");
        env.put("ECHO_UDP_RATE_GLOBAL", "10000000");
        env.putAll(serverEnv);
        if (name.equals(BEFORE)) {
            env.putAll(beforeEnv);
        }
        long begin = System.nanoTime();
        ServerProcess process = ServerProcess.startFromItsDirectory(quarkusApp, serverJvm, env)
                .awaitReady(Duration.ofSeconds(60));
        if (Files.exists(quarkusApp.resolve(ServerProcess.APP_CDS_ARCHIVE)) && !process.mapsAppCdsArchive()) {
            process.close();
            throw new IllegalStateException(name + "'s JVM dropped the AppCDS archive of " + quarkusApp + ":\n" + process.output());
        }
        // The earlier build is compared on plain TCP only: what a change to the echo path could have moved.
        Map<Listener, Integer> ports = name.equals(BEFORE) ? Map.of(Listener.TCP, process.echoPort())
                : Map.of(Listener.TCP, process.echoPort(), Listener.TLS, tlsPort, Listener.UDP, udpPort);
        return ServerUnderTest.ours(name, process, ports, (System.nanoTime() - begin) / 1e6);
    }

    private ServerUnderTest startBaseline() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JavaCommand.java());
        command.addAll(baselineJava());
        int port = ServerProcess.freePort();
        int tlsPort = ServerProcess.freePort();
        int udpPort = ServerProcess.freePort();
        command.addAll(List.of(Integer.toString(port), "0", Integer.toString(tlsPort), certificates.certFile().toString(),
                certificates.keyFile().toString(), Integer.toString(udpPort)));
        return ServerUnderTest.startPeer(NETTY, command,
                Map.of(Listener.TCP, port, Listener.TLS, tlsPort, Listener.UDP, udpPort));
    }

    /** The Netty baseline's JVM flags, class path and main class; its arguments follow. */
    private List<String> baselineJava() throws IOException {
        List<String> java = new ArrayList<>(serverJvm);
        java.add("-cp");
        // Our jar only for the small TlsHalfClose, which the baseline shares (a Netty-only helper).
        java.add(classes + ":" + nettyJars() + ":" + app.resolve("app/tcp-echo-" + version() + ".jar"));
        java.add(NettyEchoBaseline.class.getName());
        return java;
    }

    private String version() throws IOException {
        try (Stream<Path> jars = Files.list(app.resolve("app"))) {
            String jar = jars.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("tcp-echo-")).findFirst()
                    .orElseThrow(() -> new IOException("no tcp-echo jar in " + app.resolve("app")));
            return jar.substring("tcp-echo-".length(), jar.length() - ".jar".length());
        }
    }

    private String nettyJars() throws IOException {
        try (Stream<Path> jars = Files.list(app.resolve("lib/main"))) {
            return jars.filter(p -> p.getFileName().toString().startsWith("io.netty.")).map(Path::toString).sorted()
                    .collect(Collectors.joining(":"));
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // The load client (the jar's own, as users run it; or the C client)

    /** The client that runs {@code w} in the results table: the one chosen, if it has the workload. */
    private BenchClient clientOf(Workload w) {
        return client.runs(w.args) ? client : BenchClient.JAVA;
    }

    private List<String> clientCommand(BenchClient client, List<String> workloadArgs, int port) {
        List<String> workload = new ArrayList<>(workloadArgs);
        workload.addAll(List.of("--format", "json"));
        if (client == BenchClient.C) {
            List<String> command = new ArrayList<>(List.of(cClient));
            command.addAll(workload);
            if (workload.get(0).equals("churn")) {
                // From one address the client's TIME_WAITs fill the ephemeral ports and connect() searches them,
                // which capped every server alike (bench/NOTES.md, section 12).
                command.addAll(List.of("--sources", CHURN_SOURCES));
            }
            command.addAll(List.of("--target", "127.0.0.1:" + port));
            return command;
        }
        if (workload.get(0).equals("udp")) {
            // Open loop at a fixed rate: no progress lines to turn off.
            List<String> args = new ArrayList<>(List.of("load"));
            args.addAll(workload);
            args.addAll(List.of("--target", "127.0.0.1:" + port));
            return JavaCommand.jar(app.resolve("quarkus-run.jar"), clientJvm, args);
        }
        return JavaCommand.load(app.resolve("quarkus-run.jar"), workload.contains("--tls") ? tlsClientJvm() : clientJvm,
                "127.0.0.1:" + port, workload);
    }

    /**
     * The Java client's flags on TLS: the quick compiler has none of C2's AES-GCM intrinsics, and TLS bulk drove 20 MiB/s
     * with it (bench/NOTES.md, section 10), so TLS keeps the JVM's compilers, as the chart's load Job does.
     */
    private List<String> tlsClientJvm() {
        return clientJvm.stream().filter(flag -> !flag.equals(QUICK_COMPILER_ONLY)).toList();
    }

    /** One client run: its JSON report, or why there is none or it failed. */
    record ClientRun(JsonNode report, String problem) {
        boolean ok() {
            return problem == null;
        }

        double value(Workload w) {
            return report.path(w.metric).asDouble();
        }

        double p50(Workload w) {
            return report.path(w.latency).path("p50").asDouble();
        }

        double p99(Workload w) {
            return report.path(w.latency).path("p99").asDouble();
        }
    }

    /** Runs one workload against {@code server} with {@code client}. */
    private ClientRun client(Workload w, ServerUnderTest server, BenchClient client, boolean warmUp) throws Exception {
        List<String> args = new ArrayList<>(w.args);
        if (warmUp) {
            // Short: the point is the servers' JIT, not a number.
            if (args.contains("-d")) {
                args.set(args.indexOf("-d") + 1, "2s");
            }
            if (args.contains("-s")) {
                args.set(args.indexOf("-s") + 1, "32MiB");
                if (args.contains("-w")) {
                    // bulk's warm-up: 32 MiB streams may end within it, which fails the run.
                    args.set(args.indexOf("-w") + 1, "0s");
                }
            }
        }
        Commands.Result ran = Commands.run(clientCommand(client, args, server.ports.get(w.listener)), Map.of(), Path.of("."),
                Duration.ofMinutes(10));
        String json = ran.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        JsonNode report = json == null ? null : JSON.readTree(json);
        if (ran.exitCode() != 0) {
            say(client.label + " " + w.key + " against " + server.name + " exited " + ran.exitCode() + ": " + ran.output().strip());
            return new ClientRun(report, json == null ? "exit " + ran.exitCode() + ": " + ran.output().strip() : json);
        }
        if (report == null || !report.path("ok").asBoolean()) {
            return new ClientRun(report, json == null ? "no report: " + ran.output().strip() : json);
        }
        return new ClientRun(report, null);
    }

    /**
     * One idle run; with {@code rss} it records the server's VmRSS, settled, before the connections and while
     * they are held.
     */
    private void idleRun(ServerUnderTest server, int connections, double[] rss) throws Exception {
        long before = server.settledRssKiB();
        List<String> command = clientCommand(BenchClient.JAVA, List.of("idle", "-c", Integer.toString(connections), "--hold",
                rss == null ? "0s" : "10s"), server.port());
        Path log = Files.createTempFile("tcp-echo-bench-idle-", ".log");
        try {
            Process process = Commands.start(log, Map.of(), command);
            await("HOLDING from the idle client").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || Files.readString(log).contains("HOLDING"));
            boolean held = Files.readString(log).contains("HOLDING");
            if (held && rss != null) {
                rss[0] = before;
                rss[1] = server.settledRssKiB();
            }
            int exit = process.waitFor(2, TimeUnit.MINUTES) ? process.exitValue() : -1;
            if (exit != 0 || !held) {
                throw new IOException("idle client exited " + exit + ": " + Files.readString(log).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Report

    /** What the report says before its tables: when, how, and every server's settings. */
    private String header(String started, String conntrackAtStart, String conntrackAfterLoad) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results: tcp-echo against its peers\n\n");
        md.append("Written by `bench/run.sh` (io.tcpecho.bench.Bench) on ").append(started)
                .append("; ").append(rounds).append(" rounds").append(quick ? " (--quick: short runs, indicative only)" : "")
                .append(". Client and every server share this machine. Each value is the median over the rounds; ")
                .append("each server goes first in turn. ")
                .append(client == BenchClient.C
                        ? "The client is the C client (`bench/client/loadc.c`) for bulk, ping-pong and churn, and the "
                                + "shipped one (`java -jar quarkus-run.jar load ...`, one fresh JVM per run) for TLS, UDP "
                                + "and the idle connections; either verifies every byte.\n\n"
                        : "The client is the shipped one (`java -jar quarkus-run.jar load ...`), one fresh JVM per run, "
                                + "every byte verified.\n\n");
        md.append("## Machine\n\n```\n").append(machine()).append("```\n\n");
        md.append("Connection tracking (with nf_conntrack loaded and nftables tables, every loopback connection is ")
                .append("tracked, and churn may fill the table: bench/NOTES.md, \"Limits of these numbers\") at the ")
                .append("start:\n\n```\n").append(conntrackAtStart)
                .append("```\n\nafter the load, before the image's start (podman's network adds nftables tables):\n\n```\n")
                .append(conntrackAfterLoad).append("```\n\n");
        md.append("## Settings\n\n");
        md.append("- Ours' and the Netty baseline's JVM flags: `").append(String.join(" ", serverJvm)).append("`\n");
        md.append("- ours: the packaged `target/quarkus-app` (copied), `application.properties` as committed, ")
                .append("started from its directory with the AppCDS archive its build dumped (`-XX:SharedArchiveFile=app-cds.jsa`, ")
                .append("as README.md runs the jar), ")
                .append("the default event-loop count (see the log below)")
                .append(serverEnv.isEmpty() ? "" : ", plus environment `" + serverEnv + "`").append(".\n");
        md.append("- netty: `io.tcpecho.bench.NettyEchoBaseline` (src/test/java/io/tcpecho/bench), Netty ")
                .append("epoll, pooled allocator, Netty's default event-loop count (2 x CPUs), 1 acceptor thread; ")
                .append("its TLS echo is Netty's SslHandler on the JDK's TLS, its UDP echo an epoll datagram channel.\n");
        if (goBinary != null) {
            md.append("- go: `bench/peers/echo.go` (a goroutine per connection, `io.Copy(conn, conn)`, `CloseWrite`), ")
                    .append(goVersion()).append(", TCP only.\n");
        }
        if (nodeScript != null) {
            md.append("- node: `bench/peers/echo.js` (`socket.pipe(socket)`, allowHalfOpen), Node.js ")
                    .append(versionOf(List.of("node", "--version"))).append(", TCP only.\n");
        }
        if (cEcho != null) {
            md.append("- c-epoll: `bench/peers/echo.c` (a thread per CPU, each with its own `SO_REUSEPORT` listener and ")
                    .append("edge-triggered epoll set, `read` then `write` back, `shutdown(SHUT_WR)` after the pending echo), ")
                    .append(versionOf(List.of("gcc", "--version")).lines().findFirst().orElse("gcc"))
                    .append(" -O2, TCP only: a measuring instrument, the most an echo gets from this machine.\n");
        }
        if (before != null) {
            md.append("- before: an earlier build of ours, ").append(beforeLabel)
                    .append(", with the same flags and settings as ours (an AppCDS archive only if its build dumped one)")
                    .append(beforeEnv.isEmpty() ? "" : ", plus environment `" + beforeEnv + "`").append(", plain TCP only.\n");
        }
        md.append("- TLS: ours and netty on the JDK's TLS (ours: echo.tls.engine=jdk, the default), the same self-signed ")
                .append("certificate; the client verifies it (--tls-ca, --sni localhost). UDP: ours with its rate limits ")
                .append("raised to 10,000,000/s, so that the guard runs but does not drop.\n");
        md.append("- Java client: `java ").append(String.join(" ", clientJvm)).append(" -jar quarkus-run.jar load ...`")
                .append(clientJvm.contains(QUICK_COMPILER_ONLY) ? " (on TLS without " + QUICK_COMPILER_ONLY + ")" : "")
                .append(", epoll, ")
                .append(Runtime.getRuntime().availableProcessors()).append(" event loops.\n");
        if (cClient != null) {
            md.append("- C client: `bench/client/loadc.c`, gcc -O2, a thread per CPU on edge-triggered epoll, every ")
                    .append("echoed byte compared (memcmp) with its connection's pseudo-random stream; ")
                    .append(client == BenchClient.C ? "the results table's client for bulk, ping-pong and churn (churn "
                            + "from the source addresses " + CHURN_SOURCES + ", bench/NOTES.md section 12)"
                            : "the results table's client: none (`--client java`)")
                    .append(comparison == null ? "" : "; beside the Java client in \"Load client against C\"")
                    .append(".\n");
        }
        md.append('\n');
        return md.toString();
    }

    /** The Go release the peer was built with, as the toolchain reads it from the binary ("FILE: go1.19.8"). */
    private String goVersion() {
        String reported = versionOf(List.of("go", "version", goBinary));
        int release = reported.lastIndexOf(": ");
        return release < 0 ? "go version: " + reported : "built with " + reported.substring(release + 2);
    }

    private static String versionOf(List<String> command) {
        return Commands.run(command, Map.of(), Path.of("."), Duration.ofMinutes(1)).output().strip();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers

    private static List<String> split(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private void say(String line) {
        String stamped = String.format(Locale.ROOT, "%tT %s", System.currentTimeMillis(), line);
        log.add(line);
        System.err.println(stamped);
    }

    /**
     * TCP sockets in TIME_WAIT (from /proc/net/sockstat) and the kernel's cap on them: every churn connection leaves
     * one on the client's side for 60 s, and a full table (the cap) changes what the kernel does per close.
     */
    private static String timeWait() {
        try {
            String tcp = Files.readAllLines(Path.of("/proc/net/sockstat")).stream().filter(l -> l.startsWith("TCP:"))
                    .findFirst().orElse("");
            String[] fields = tcp.split(" ");
            String count = "?";
            for (int i = 1; i + 1 < fields.length; i++) {
                if (fields[i].equals("tw")) {
                    count = fields[i + 1];
                }
            }
            return "TIME_WAIT sockets: " + count + " of net.ipv4.tcp_max_tw_buckets "
                    + Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_max_tw_buckets")).get(0) + '\n';
        } catch (IOException e) {
            return "TIME_WAIT sockets: unreadable (" + e.getMessage() + ")\n";
        }
    }

    /**
     * Whether the kernel tracks connections (bench/NOTES.md, "Limits of these numbers"): nf_conntrack's count and
     * maximum when it is loaded, and the nftables tables (podman's netavark adds some; with them every loopback
     * connection is tracked).
     */
    private static String conntrack() {
        StringBuilder m = new StringBuilder();
        Path count = Path.of("/proc/sys/net/netfilter/nf_conntrack_count");
        try {
            if (Files.exists(count)) {
                // By lines: Files.readString returns only the first byte of these two (JDK 17).
                m.append("nf_conntrack_count: ").append(Files.readAllLines(count).get(0)).append(" of nf_conntrack_max ")
                        .append(Files.readAllLines(Path.of("/proc/sys/net/netfilter/nf_conntrack_max")).get(0)).append('\n');
            } else {
                m.append("nf_conntrack: not loaded\n");
            }
        } catch (IOException e) {
            m.append("nf_conntrack: unreadable (").append(e.getMessage()).append(")\n");
        }
        m.append(timeWait());
        boolean nft = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, "nft")));
        if (!nft) {
            return m.append("nft: not installed\n").toString();
        }
        Commands.Result tables = Commands.run(List.of("nft", "list", "tables"), Map.of(), Path.of("."), Duration.ofMinutes(1));
        String listed = tables.output().strip().replace('\n', ';');
        m.append("nft list tables: ").append(tables.exitCode() != 0 ? "exit " + tables.exitCode() + ": " + listed
                : listed.isEmpty() ? "none" : listed).append('\n');
        return m.toString();
    }

    private static String machine() {
        StringBuilder m = new StringBuilder();
        m.append("nproc: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.append("cpu: ").append(l.substring(l.indexOf(':') + 1).trim()).append('\n'));
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .ifPresent(l -> m.append("memory: ").append(l.substring(l.indexOf(':') + 1).trim()).append('\n'));
            m.append("kernel: ").append(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim()).append('\n');
            m.append("java -version:\n").append(versionOf(List.of(JavaCommand.java(), "-version")).indent(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m.toString();
    }
}
