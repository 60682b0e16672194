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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tcpecho.testing.Commands;
import io.tcpecho.testing.JavaCommand;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.TestCertificates;

/**
 * The benchmark driver (see docs/load-client.md, "Benchmark"): starts the packaged echo server with its
 * production settings and the plain Netty baseline, runs every workload of the shipped load client against
 * both, alternating which goes first, for several rounds, measures idle memory per connection and start to
 * ready, and writes the medians and ratios ours/baseline to a Markdown file.
 */
public final class Bench {

    /**
     * JVM flags of the production image (quarkus.jib.jvm-additional-arguments) under a 1 GiB container limit,
     * plus the parallel collector (see bench/NOTES.md). Both servers get the same flags.
     */
    static final String DEFAULT_SERVER_JVM = "-XX:MaxRAM=1g -XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=25.0 "
            + "-XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path app;
    private final Path classes;
    private final Path out;
    private final int rounds;
    private final boolean quick;
    private final List<String> serverJvm;
    private final Map<String, String> serverEnv;
    private final String notes;
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
        serverEnv = new LinkedHashMap<>();
        for (String pair : split(options.getOrDefault("server-env", ""))) {
            int eq = pair.indexOf('=');
            serverEnv.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        notes = options.getOrDefault("notes", "bench/NOTES.md");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("quick")) {
                options.put(name, "true");
            } else {
                options.put(name, args[++i]);
            }
        }
        new Bench(options).run();
    }

    /** Which of a server's listeners a workload loads. */
    enum Listener {
        TCP, TLS, UDP
    }

    /**
     * @param metric the JSON field of the load client's report that is the result (higher is better)
     * @param latency the JSON object with the report's p50 and p99
     * @param target the least ratio ours/baseline that meets the target
     */
    record Workload(String key, String title, Listener listener, List<String> args, String metric, String unit,
            String latency, double target) {

        Workload(String key, String title, List<String> args, String metric, String unit, double target) {
            this(key, title, Listener.TCP, args, metric, unit, "latencyMicros", target);
        }
    }

    private List<Workload> workloads() {
        String pingpongTime = quick ? "3s" : "8s";
        String churnTime = quick ? "3s" : "8s";
        List<String> tls = List.of("--tls", "--tls-ca", certificates.trustFile().toString(), "--sni", "localhost");
        return List.of(
                new Workload("bulk1", "bulk, 1 connection x " + (quick ? "256 MiB" : "1 GiB") + ", half-close",
                        List.of("bulk", "-c", "1", "-s", quick ? "256MiB" : "1GiB"), "mibPerSecond", "MiB/s", 0.95),
                new Workload("bulk16", "bulk, 16 connections x " + (quick ? "16 MiB" : "64 MiB") + ", half-close",
                        List.of("bulk", "-c", "16", "-s", quick ? "16MiB" : "64MiB"), "mibPerSecond", "MiB/s", 0.95),
                new Workload("pingpong", "pingpong, 64 connections, 64 B",
                        List.of("pingpong", "-c", "64", "-m", "64", "-d", pingpongTime, "-w", "2s"), "messagesPerSecond",
                        "msgs/s", 0.95),
                new Workload("churn", "churn, 16 slots, 64 B, half-close",
                        List.of("churn", "-c", "16", "-m", "64", "-d", churnTime, "-w", "2s"), "connectionsPerSecond",
                        "conns/s", 0.9),
                new Workload("tlsbulk", "TLS bulk, 1 connection x " + (quick ? "256 MiB" : "1 GiB") + ", close_notify + FIN",
                        Listener.TLS, concat(List.of("bulk", "-c", "1", "-s", quick ? "256MiB" : "1GiB"), tls),
                        "mibPerSecond", "MiB/s", "latencyMicros", 0.95),
                new Workload("tlschurn", "TLS churn, 16 slots, 64 B: a full handshake per connection",
                        Listener.TLS, concat(List.of("churn", "-c", "16", "-m", "64", "-d", churnTime, "-w", "2s"), tls),
                        "connectionsPerSecond", "handshakes/s", "latencyMicros", 0.9),
                new Workload("udp", "UDP ping-pong, 20,000 datagrams/s of 64 B",
                        Listener.UDP, List.of("udp", "-r", "20000", "-m", "64", "-d", pingpongTime), "echoed",
                        "datagrams echoed", "roundTripMicros", 0.95));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }

    private void run() throws Exception {
        String started = Instant.now().toString();
        int basePort = ServerProcess.freePort();
        say("machine: " + machine().replace('\n', ' '));

        // Start to ready first, on a quiet machine: median of several cold starts of each.
        List<Double> ourStarts = new ArrayList<>();
        List<Double> baseStarts = new ArrayList<>();
        for (int i = 0; i < (quick ? 2 : 5); i++) {
            Server ours = startOurs();
            ourStarts.add(ours.readyMillis);
            ours.kill();
            Server base = startBaseline(basePort);
            baseStarts.add(base.readyMillis);
            base.kill();
        }
        say("start to ready: ours " + ourStarts + " ms, baseline " + baseStarts + " ms");

        Server ours = startOurs();
        Server base = startBaseline(basePort);
        ours.ours.outputLines().stream().filter(l -> l.contains("Echo server listening")).reduce((a, b) -> b)
                .ifPresent(l -> say("ours: " + l.substring(l.indexOf("Echo server"))));
        Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> p99s = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> p50s = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        try {
            say("warm-up round (not counted)");
            for (Workload w : workloads()) {
                client(w, ours, true);
                client(w, base, true);
            }
            for (int round = 1; round <= rounds; round++) {
                for (Workload w : workloads()) {
                    List<Server> order = round % 2 == 1 ? List.of(ours, base) : List.of(base, ours);
                    for (Server server : order) {
                        ClientRun run = client(w, server, false);
                        if (!run.ok()) {
                            failures.add(w.key + " against " + server.name + " in round " + round + ": " + run.problem());
                            continue;
                        }
                        JsonNode latency = run.report().path(w.latency);
                        double value = run.report().path(w.metric).asDouble();
                        add(results, w.key, server.name, value);
                        add(p99s, w.key, server.name, latency.path("p99").asDouble());
                        add(p50s, w.key, server.name, latency.path("p50").asDouble());
                        say(String.format(Locale.ROOT, "round %d %-8s %-8s %12.1f %s  p50 %.0f us  p99 %.0f us", round,
                                w.key, server.name, value, w.unit, latency.path("p50").asDouble(),
                                latency.path("p99").asDouble()));
                    }
                }
            }
        } finally {
            ours.kill();
            base.kill();
        }

        // Idle memory: a fresh server; 200 connections opened, checked and closed first, so that one-time costs
        // (classes, JIT, the allocator's first chunks) are not counted per connection; then VmRSS before and
        // while holding the idle connections.
        Map<String, double[]> idle = new LinkedHashMap<>();
        int idleConnections = quick ? 2000 : 10_000;
        for (String name : List.of("ours", "baseline")) {
            Server server = name.equals("ours") ? startOurs() : startBaseline(basePort);
            try {
                idleRun(server, 200, null);
                double[] rss = new double[2];
                idleRun(server, idleConnections, rss);
                idle.put(name, rss);
                say(String.format(Locale.ROOT, "idle %s: VmRSS %.0f KiB before, %.0f KiB with %d connections: %.2f KiB per connection",
                        name, rss[0], rss[1], idleConnections, (rss[1] - rss[0]) / idleConnections));
            } catch (IOException e) {
                failures.add("idle against " + name + ": " + e.getMessage());
            } finally {
                server.kill();
            }
        }

        write(started, results, p50s, p99s, idle, idleConnections, ourStarts, baseStarts, failures);
        say("wrote " + out);
        if (!failures.isEmpty()) {
            say("FAILURES: " + failures);
            System.exit(1);
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Servers

    /** One of the two servers: ours (a {@link ServerProcess}) or the baseline (a plain process). */
    final class Server {
        final String name;
        final ProcessHandle process;
        final Map<Listener, Integer> ports;
        final ServerProcess ours;
        final Process baseline;
        double readyMillis;

        Server(ServerProcess ours, Map<Listener, Integer> ports) {
            this.name = "ours";
            this.ours = ours;
            this.baseline = null;
            this.process = ProcessHandle.of(ours.pid()).orElseThrow();
            this.ports = ports;
        }

        Server(Process baseline, Map<Listener, Integer> ports) {
            this.name = "baseline";
            this.ours = null;
            this.baseline = baseline;
            this.process = baseline.toHandle();
            this.ports = ports;
        }

        int port() {
            return ports.get(Listener.TCP);
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

        long rssKiB() throws IOException {
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
                baseline.destroyForcibly();
                baseline.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Server startOurs() throws IOException {
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
        long begin = System.nanoTime();
        ServerProcess process = ServerProcess.start(app.resolve("quarkus-run.jar"), serverJvm, env)
                .awaitReady(Duration.ofSeconds(60));
        Server server = new Server(process, Map.of(Listener.TCP, process.echoPort(), Listener.TLS, tlsPort, Listener.UDP, udpPort));
        server.readyMillis = (System.nanoTime() - begin) / 1e6;
        return server;
    }

    private Server startBaseline(int port) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(JavaCommand.java());
        command.addAll(serverJvm);
        command.add("-cp");
        // Our jar only for the small TlsHalfClose, which the baseline shares (a Netty-only helper).
        command.add(classes + ":" + nettyJars() + ":" + app.resolve("app/tcp-echo-" + version() + ".jar"));
        command.add(NettyEchoBaseline.class.getName());
        int tlsPort = ServerProcess.freePort();
        int udpPort = ServerProcess.freePort();
        command.addAll(List.of(Integer.toString(port), "0", Integer.toString(tlsPort), certificates.certFile().toString(),
                certificates.keyFile().toString(), Integer.toString(udpPort)));
        long begin = System.nanoTime();
        Path log = Files.createTempFile("tcp-echo-bench-baseline-", ".log");
        log.toFile().deleteOnExit();
        Process process = Commands.start(log, Map.of(), command);
        await("the baseline's READY").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the baseline exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            return Files.readString(log).contains("READY");
        });
        Server server = new Server(process, Map.of(Listener.TCP, port, Listener.TLS, tlsPort, Listener.UDP, udpPort));
        server.readyMillis = (System.nanoTime() - begin) / 1e6;
        return server;
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
    // The load client (the jar's own, as users run it)

    private List<String> clientCommand(List<String> workloadArgs, int port) {
        List<String> workload = new ArrayList<>(workloadArgs);
        workload.addAll(List.of("--format", "json"));
        if (workload.get(0).equals("udp")) {
            // Open loop at a fixed rate: no progress lines to turn off.
            List<String> args = new ArrayList<>(List.of("load"));
            args.addAll(workload);
            args.addAll(List.of("--target", "127.0.0.1:" + port));
            return JavaCommand.jar(app.resolve("quarkus-run.jar"), List.of("-XX:+UseParallelGC"), args);
        }
        return JavaCommand.load(app.resolve("quarkus-run.jar"), List.of("-XX:+UseParallelGC"), "127.0.0.1:" + port,
                workload);
    }

    /** One client run: its JSON report, or why there is none or it failed. */
    record ClientRun(JsonNode report, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    /** Runs one workload against {@code server}. */
    private ClientRun client(Workload w, Server server, boolean warmUp) throws Exception {
        List<String> args = new ArrayList<>(w.args);
        if (warmUp) {
            // Short: the point is the servers' JIT, not a number.
            if (args.contains("-d")) {
                args.set(args.indexOf("-d") + 1, "2s");
            }
            if (args.contains("-s")) {
                args.set(args.indexOf("-s") + 1, "32MiB");
            }
        }
        Commands.Result ran = Commands.run(clientCommand(args, server.ports.get(w.listener)), Map.of(), Path.of("."),
                Duration.ofMinutes(10));
        String json = ran.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        JsonNode report = json == null ? null : JSON.readTree(json);
        if (ran.exitCode() != 0) {
            say("client " + w.key + " against " + server.name + " exited " + ran.exitCode() + ": " + ran.output().strip());
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
    private void idleRun(Server server, int connections, double[] rss) throws Exception {
        long before = server.settledRssKiB();
        List<String> command = clientCommand(List.of("idle", "-c", Integer.toString(connections), "--hold",
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

    private void write(String started, Map<String, Map<String, List<Double>>> results,
            Map<String, Map<String, List<Double>>> p50s, Map<String, Map<String, List<Double>>> p99s,
            Map<String, double[]> idle, int idleConnections, List<Double> ourStarts, List<Double> baseStarts,
            List<String> failures) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results: tcp-echo against a plain Netty echo baseline\n\n");
        md.append("Written by `bench/run.sh` (io.tcpecho.bench.Bench) on ").append(started)
                .append("; ").append(rounds).append(" rounds").append(quick ? " (--quick: short runs, indicative only)" : "")
                .append(". Client and both servers share this machine. Each value is the median over the rounds; ")
                .append("the servers alternate which goes first in each round. The client is the shipped one ")
                .append("(`java -jar quarkus-run.jar load ...`), one fresh JVM per run, every byte verified.\n\n");
        md.append("## Machine\n\n```\n").append(machine()).append("```\n\n");
        md.append("## Settings\n\n");
        md.append("- Both servers' JVM flags: `").append(String.join(" ", serverJvm)).append("`\n");
        md.append("- Ours: the packaged `target/quarkus-app` (copied), `application.properties` as committed, ")
                .append("Quarkus' default event-loop count (see the log below)")
                .append(serverEnv.isEmpty() ? "" : ", plus environment `" + serverEnv + "`").append(".\n");
        md.append("- Baseline: `io.tcpecho.bench.NettyEchoBaseline` (src/test/java/io/tcpecho/bench), Netty ")
                .append("epoll, pooled allocator, Netty's default event-loop count (2 x CPUs), 1 acceptor thread; ")
                .append("its TLS echo is Netty's SslHandler on the JDK's TLS, its UDP echo an epoll datagram channel.\n");
        md.append("- TLS: both servers on the JDK's TLS (ours: echo.tls.engine=jdk, the default), the same self-signed ")
                .append("certificate; the client verifies it (--tls-ca, --sni localhost). UDP: ours with its rate limits ")
                .append("raised to 10,000,000/s, so that the guard runs but does not drop.\n");
        md.append("- Client: `java -XX:+UseParallelGC -jar quarkus-run.jar load ...`, epoll, ")
                .append(Runtime.getRuntime().availableProcessors()).append(" event loops.\n\n");

        md.append("## Results (medians)\n\n");
        md.append("| workload | metric | ours | baseline | ours/baseline | target | met |\n");
        md.append("|---|---|---:|---:|---:|---|---|\n");
        for (Workload w : workloads()) {
            double ours = median(results, w.key, "ours");
            double base = median(results, w.key, "baseline");
            double ratio = ours / base;
            md.append(row(w.title, w.unit, ours, base, ratio, "\u2265 " + w.target + "x", ratio >= w.target));
            if (w.key.equals("pingpong") || w.key.equals("udp")) {
                double o99 = median(p99s, w.key, "ours");
                double b99 = median(p99s, w.key, "baseline");
                md.append(row(w.title, "p99 latency (us)", o99, b99, o99 / b99, "\u2264 1.1x", o99 / b99 <= 1.1));
                double o50 = median(p50s, w.key, "ours");
                double b50 = median(p50s, w.key, "baseline");
                md.append(row(w.title, "p50 latency (us)", o50, b50, o50 / b50, "-", null));
            }
        }
        double[] ourIdle = idle.get("ours");
        double[] baseIdle = idle.get("baseline");
        double ourPerConn = ourIdle == null ? Double.NaN : (ourIdle[1] - ourIdle[0]) / idleConnections;
        double basePerConn = baseIdle == null ? Double.NaN : (baseIdle[1] - baseIdle[0]) / idleConnections;
        md.append(row(idleConnections + " idle connections", "RSS growth (KiB/conn)", ourPerConn, basePerConn,
                ourPerConn / basePerConn, "\u2264 4 KiB/conn", ourPerConn <= 4.0));
        double ourStart = median(ourStarts);
        double baseStart = median(baseStarts);
        md.append(row("start to ready", "ms (ours: /q/health/ready 200; baseline: bound)", ourStart, baseStart,
                ourStart / baseStart, "< 1500 ms", ourStart < 1500));
        md.append('\n');

        md.append("## Every round\n\n");
        md.append("| workload | server | values |\n|---|---|---|\n");
        for (Workload w : workloads()) {
            for (String server : List.of("ours", "baseline")) {
                md.append("| ").append(w.key).append(' ').append(w.unit).append(" | ").append(server).append(" | ")
                        .append(format(results, w.key, server)).append(" |\n");
                md.append("| ").append(w.key).append(" p99 us | ").append(server).append(" | ")
                        .append(format(p99s, w.key, server)).append(" |\n");
            }
        }
        for (var e : idle.entrySet()) {
            md.append("| idle VmRSS KiB before / with ").append(idleConnections).append(" | ").append(e.getKey())
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f / %.0f", e.getValue()[0], e.getValue()[1]))
                    .append(" |\n");
        }
        md.append("| start to ready ms | ours | ").append(fmt(ourStarts)).append(" |\n");
        md.append("| start to ready ms | baseline | ").append(fmt(baseStarts)).append(" |\n\n");
        if (!failures.isEmpty()) {
            md.append("## Failures\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
            md.append('\n');
        }
        md.append("## Log\n\n```\n");
        log.forEach(l -> md.append(l).append('\n'));
        md.append("```\n\n");
        Path notesFile = Path.of(notes);
        if (Files.exists(notesFile)) {
            md.append(Files.readString(notesFile));
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md.toString());
    }

    private static String row(String workload, String metric, double ours, double base, double ratio, String target,
            Boolean met) {
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.3f | %s | %s |\n", workload, metric, ours, base,
                ratio, target, met == null ? "" : met ? "yes" : "**no**");
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers

    private static void add(Map<String, Map<String, List<Double>>> map, String key, String server, double value) {
        map.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>()).add(value);
    }

    private static double median(Map<String, Map<String, List<Double>>> map, String key, String server) {
        return median(map.getOrDefault(key, Map.of()).getOrDefault(server, List.of()));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(Map<String, Map<String, List<Double>>> map, String key, String server) {
        return fmt(map.getOrDefault(key, Map.of()).getOrDefault(server, List.of()));
    }

    private static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).collect(Collectors.joining(", "));
    }




    private static List<String> split(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private void say(String line) {
        String stamped = String.format(Locale.ROOT, "%tT %s", System.currentTimeMillis(), line);
        log.add(line);
        System.err.println(stamped);
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
            String text = Commands.run(List.of(JavaCommand.java(), "-version"), Map.of(), Path.of("."),
                    Duration.ofMinutes(1)).output();
            m.append("java -version:\n").append(text.stripTrailing().indent(2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m.toString();
    }
}
