package io.tcpecho.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Every round's result, p50 and p99 of each workload against each server, and their medians. */
final class Results {

    enum Measure {
        VALUE, P50, P99
    }

    private final Map<Measure, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();

    void add(String workload, String server, double value, double p50, double p99) {
        put(Measure.VALUE, workload, server, value);
        put(Measure.P50, workload, server, p50);
        put(Measure.P99, workload, server, p99);
    }

    private void put(Measure measure, String workload, String server, double value) {
        values.computeIfAbsent(measure, k -> new LinkedHashMap<>()).computeIfAbsent(workload, k -> new LinkedHashMap<>())
                .computeIfAbsent(server, k -> new ArrayList<>()).add(value);
    }

    List<Double> all(Measure measure, String workload, String server) {
        return values.getOrDefault(measure, Map.of()).getOrDefault(workload, Map.of()).getOrDefault(server, List.of());
    }

    /** The median over the rounds; NaN when the server has no result for the workload. */
    double median(Measure measure, String workload, String server) {
        return median(all(measure, workload, server));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String format(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).collect(Collectors.joining(", "));
    }
}
