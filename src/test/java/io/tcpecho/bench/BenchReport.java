package io.tcpecho.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.tcpecho.bench.Bench.Workload;
import io.tcpecho.bench.Results.Measure;

/**
 * bench/RESULTS.md: one row per workload and metric with every server's median, the ratios ours/peer and the
 * targets; the load clients compared, if they were, and what steady costs the client; then every round's values, the run's log, and bench/NOTES.md.
 */
final class BenchReport {

    /** Start to ready: ours within 1.3x of the Netty baseline's start to bound (issue 18). */
    static final double START_TARGET = 1.3;
    /** Suffix of a server's starts in the image under podman, in the starts by name. */
    static final String IMAGE = ", image";
    /** The starts of podman running the image's {@code java -version}: what podman adds to any start. */
    static final String PODMAN_RUN = "podman run of the image's java -version";
    /** Idle memory: what a connection may cost ours, resident. */
    static final double IDLE_TARGET_KIB = 4.0;
    /** Latency: ours' p99 at most 1.1x the Netty baseline's. */
    static final double P99_TARGET = 1.1;

    private final List<String> servers;
    private final List<String> peers;
    private final List<Workload> workloads;
    private final Results results;
    /** Per server: VmRSS in KiB before and while holding the idle connections, and how many. */
    private final Map<String, double[]> idle;
    private final Map<String, List<Double>> starts;
    private final List<String> failures;
    private final List<String> log;

    BenchReport(List<String> servers, List<Workload> workloads, Results results, Map<String, double[]> idle,
            Map<String, List<Double>> starts, List<String> failures, List<String> log) {
        this.servers = servers;
        this.peers = servers.subList(1, servers.size());
        this.workloads = workloads;
        this.results = results;
        this.idle = idle;
        this.starts = starts;
        this.failures = failures;
        this.log = log;
    }

    /** @param sections the sections after the results (the load clients compared, steady's cost), or "" */
    void write(Path out, Path notes, String header, String sections) throws IOException {
        StringBuilder md = new StringBuilder(header);
        md.append("## Results (medians)\n\n");
        md.append("A ratio is ours/peer: above 1 ours is faster (for latency and memory, below 1 is better). ")
                .append("A target names the least ratio (for latency and memory, the most) that meets it; ")
                .append("`-` where a peer has no such listener.\n\n");
        md.append("| workload | metric |");
        servers.forEach(s -> md.append(' ').append(s).append(" |"));
        peers.forEach(p -> md.append(" ours/").append(p).append(" |"));
        md.append(" targets | met |\n|---|---|");
        servers.forEach(s -> md.append("---:|"));
        peers.forEach(p -> md.append("---:|"));
        md.append("---|---|\n");
        for (Workload w : workloads) {
            Map<String, Double> medians = medians(Measure.VALUE, w.key());
            md.append(row(w.title(), w.unit(), medians, w.targets(), true));
            if (w.key().startsWith("pingpong") || w.key().equals("udp")) {
                md.append(row(w.title(), "p99 latency (us)", medians(Measure.P99, w.key()), Map.of(Bench.NETTY, P99_TARGET),
                        false));
                md.append(row(w.title(), "p50 latency (us)", medians(Measure.P50, w.key()), Map.of(), false));
            }
        }
        Map<String, Double> perConnection = new LinkedHashMap<>();
        for (String server : servers) {
            double[] rss = idle.get(server);
            perConnection.put(server, rss == null ? Double.NaN : (rss[1] - rss[0]) / rss[2]);
        }
        md.append(idleRow(perConnection));
        Map<String, Double> startMedians = new LinkedHashMap<>();
        for (String server : servers) {
            startMedians.put(server, Results.median(starts.getOrDefault(server, List.of())));
        }
        md.append(row("start to ready, jar", "ms (ours: /q/health/ready 200; a peer: bound)", startMedians,
                Map.of(Bench.NETTY, START_TARGET), false));
        if (starts.containsKey(Bench.OURS + IMAGE)) {
            Map<String, Double> inImage = new LinkedHashMap<>();
            servers.forEach(s -> inImage.put(s, Results.median(starts.getOrDefault(s + IMAGE, List.of()))));
            md.append(row("start to ready, image under podman (`--memory=512m`, host network)",
                    "ms from podman run (ours: ready; netty: bound, on the image's JVM)", inImage,
                    Map.of(Bench.NETTY, START_TARGET), false));
            md.append(String.format(Locale.ROOT, "| start to ready, %s | ms | %.1f |", PODMAN_RUN,
                    Results.median(starts.get(PODMAN_RUN))));
            md.append(" |".repeat(servers.size() - 1 + peers.size())).append(" podman's own part of either |  |\n");
        }
        md.append('\n');
        md.append(sections);

        md.append("## Every round\n\n");
        md.append("| workload | server | values |\n|---|---|---|\n");
        for (Workload w : workloads) {
            for (String server : servers) {
                List<Double> values = results.all(Measure.VALUE, w.key(), server);
                if (values.isEmpty()) {
                    continue;
                }
                md.append("| ").append(w.key()).append(' ').append(w.unit()).append(" | ").append(server).append(" | ")
                        .append(Results.format(values)).append(" |\n");
                md.append("| ").append(w.key()).append(" p99 us | ").append(server).append(" | ")
                        .append(Results.format(results.all(Measure.P99, w.key(), server))).append(" |\n");
            }
        }
        idle.forEach((server, rss) -> md.append(String.format(Locale.ROOT, "| idle VmRSS KiB before / with %.0f connections | %s | %.0f / %.0f |\n",
                rss[2], server, rss[0], rss[1])));
        starts.forEach((name, values) -> md.append("| start to ready ms | ").append(name).append(" | ")
                .append(Results.format(values)).append(" |\n"));
        md.append('\n');
        if (!failures.isEmpty()) {
            md.append("## Failures\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
            md.append('\n');
        }
        md.append("## Log\n\n```\n");
        log.forEach(l -> md.append(l).append('\n'));
        md.append("```\n\n");
        if (Files.exists(notes)) {
            md.append(Files.readString(notes));
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, md.toString());
    }

    private Map<String, Double> medians(Measure measure, String workload) {
        Map<String, Double> medians = new LinkedHashMap<>();
        servers.forEach(s -> medians.put(s, results.median(measure, workload, s)));
        return medians;
    }

    /**
     * One row: every server's value, the ratios ours/peer, and the targets, each a least ratio when
     * {@code higherIsBetter}, else a most.
     */
    private String row(String workload, String metric, Map<String, Double> values, Map<String, Double> targets,
            boolean higherIsBetter) {
        StringBuilder row = new StringBuilder("| ").append(workload).append(" | ").append(metric).append(" |");
        servers.forEach(s -> row.append(' ').append(number(values.get(s))).append(" |"));
        double ours = values.get(Bench.OURS);
        List<String> goals = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (String peer : peers) {
            double ratio = ours / values.get(peer);
            row.append(' ').append(ratio(ratio)).append(" |");
            Double target = targets.get(peer);
            if (target != null && !Double.isNaN(ratio)) {
                goals.add((higherIsBetter ? "\u2265 " : "\u2264 ") + target + "x " + peer);
                if (higherIsBetter ? ratio < target : ratio > target) {
                    missed.add(peer);
                }
            }
        }
        row.append(' ').append(String.join(", ", goals)).append(" | ")
                .append(goals.isEmpty() ? "" : missed.isEmpty() ? "yes" : "**no** (" + String.join(", ", missed) + ")")
                .append(" |\n");
        return row.toString();
    }

    private String idleRow(Map<String, Double> perConnection) {
        List<String> counts = new ArrayList<>();
        idle.forEach((server, rss) -> counts.add(String.format(Locale.ROOT, "%s %.0f", server, rss[2])));
        StringBuilder row = new StringBuilder("| idle connections (").append(String.join(", ", counts))
                .append(") | RSS growth (KiB/conn) |");
        servers.forEach(s -> row.append(' ').append(number(perConnection.get(s))).append(" |"));
        double ours = perConnection.get(Bench.OURS);
        peers.forEach(p -> row.append(' ').append(ratio(ours / perConnection.get(p))).append(" |"));
        row.append(" ours \u2264 ").append(IDLE_TARGET_KIB).append(" KiB/conn | ").append(ours <= IDLE_TARGET_KIB ? "yes" : "**no**")
                .append(" |\n");
        return row.toString();
    }

    static String ratio(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
