package io.tcpecho.bench;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.tcpecho.bench.Bench.Workload;
import io.tcpecho.bench.Results.Measure;

/**
 * The report's section "Load client against C" ({@code --client both}): the shipped Java client and the C client,
 * each against the C epoll echo, on the workloads issue 24 sets its target on (bulk with 16 connections, ping-pong
 * with 64), so that what the Java client drives is read against what C drives on the same machine in the same run.
 */
final class ClientComparison {

    /** Issue 24: the Java client drives at least this fraction of the C client's rate. */
    static final double TARGET = 0.85;
    private static final Set<String> KEYS = Set.of("bulk16", "pingpong");

    private final List<Workload> workloads;
    private final Results results = new Results();

    ClientComparison(List<Workload> all) {
        workloads = all.stream().filter(w -> KEYS.contains(w.key())).toList();
    }

    List<Workload> workloads() {
        return workloads;
    }

    void add(Workload w, BenchClient client, double value, double p50, double p99) {
        results.add(w.key(), client.label, value, p50, p99);
    }

    String markdown() {
        String java = BenchClient.JAVA.label;
        String c = BenchClient.C.label;
        StringBuilder md = new StringBuilder("## Load client against C\n\n");
        md.append("The shipped Java client and `bench/client/loadc.c`, each against the C epoll echo ")
                .append("(`bench/peers/echo.c`) in the same rounds as the table above, each going first in turn; ")
                .append("both verify every echoed byte. The medians, and the ratio java/c against issue 24's target.\n\n");
        md.append("| workload | metric | ").append(java).append(" | ").append(c)
                .append(" | java/c | target | met |\n|---|---|---:|---:|---:|---|---|\n");
        for (Workload w : workloads) {
            double ratio = row(md, w, Measure.VALUE, w.unit());
            md.append(String.format(Locale.ROOT, " \u2265 %.2fx | %s |\n", TARGET,
                    Double.isNaN(ratio) ? "" : ratio >= TARGET ? "yes" : "**no**"));
            if (w.key().startsWith("pingpong")) {
                row(md, w, Measure.P99, "p99 latency (us)");
                md.append("  |  |\n");
                row(md, w, Measure.P50, "p50 latency (us)");
                md.append("  |  |\n");
            }
        }
        md.append("\n| workload | client | values |\n|---|---|---|\n");
        for (Workload w : workloads) {
            for (BenchClient client : BenchClient.values()) {
                md.append("| ").append(w.key()).append(' ').append(w.unit()).append(" | ").append(client.label)
                        .append(" | ").append(Results.format(results.all(Measure.VALUE, w.key(), client.label)))
                        .append(" |\n");
            }
        }
        return md.append('\n').toString();
    }

    /** A row's workload, metric, both clients' medians and their ratio; returns the ratio. */
    private double row(StringBuilder md, Workload w, Measure measure, String metric) {
        double java = results.median(measure, w.key(), BenchClient.JAVA.label);
        double c = results.median(measure, w.key(), BenchClient.C.label);
        md.append("| ").append(w.title()).append(" | ").append(metric).append(" | ").append(BenchReport.number(java))
                .append(" | ").append(BenchReport.number(c)).append(" | ").append(BenchReport.ratio(java / c))
                .append(" |");
        return java / c;
    }
}
