package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What {@code steady} saw, as a table or as JSON: the ledger's figures ({@link SteadyLedger#summary()}), the budgets
 * checked against them, and the run's own failure (a wrong echo). The table is written from the same figures as the
 * JSON. The JSON also has what a {@link LoadResult} has for {@code load merge} (the shard, the counts, the round trips
 * as a histogram) and the timeline, a line a second, which the merge sums over the shards.
 */
final class SteadyReport implements RunReport {

    /** Outage windows and broken connections the table lists; the JSON has them all. */
    private static final int TABLE_ROWS = 10;

    private final JsonObject report;

    /**
     * @param measured the run as a {@link LoadResult}: target, parameters, client, shard, counts and round trips
     * @param seconds the timeline's lines
     * @param runFailure why the run failed other than by a budget (a wrong echo, a server that is no identity
     *        listener, a merge's missing shard); null when it did not
     */
    SteadyReport(LoadResult measured, JsonObject summary, List<JsonObject> seconds, JsonArray budgets,
            String runFailure) {
        String failure = runFailure != null ? runFailure : SteadyBudgets.exceeded(budgets);
        report = measured.toJson()
                .put("ok", failure == null)
                .put("failure", failure)
                .mergeIn(summary)
                .put("budgets", budgets)
                .put("timeline", new JsonArray(new ArrayList<>(seconds)));
    }

    /** The report as JSON, to add to. */
    JsonObject toJson() {
        return report.copy();
    }

    @Override
    public String failureReason() {
        return report.getString("failure");
    }

    @Override
    public String json() {
        return report.encode();
    }

    @Override
    public String table() {
        StringBuilder out = new StringBuilder();
        row(out, "workload", f("steady against %s (client: %s, %d threads)", report.getString("target"),
                report.getString("clientTransport"), report.getInteger("clientThreads")));
        StringBuilder params = new StringBuilder();
        report.getJsonObject("parameters").forEach(p -> params.append(params.length() == 0 ? "" : ", ")
                .append(p.getKey()).append('=').append(p.getValue()));
        row(out, "parameters", params.toString());
        JsonObject shard = report.getJsonObject("shard");
        if (shard != null && shard.getInteger("count") > 1) {
            row(out, "shard", f("%d/%d: this process ran its share of the connections and of the probes",
                    shard.getInteger("index"), shard.getInteger("count")));
        }
        row(out, "measured", f("%.3f s from %s", report.getDouble("seconds"), report.getString("startedAt")));
        row(out, "connections", f("%d opened; ended: %s; %d broken, %d bytes lost", report.getLong("connectionsOpened"),
                counts(report.getJsonObject("ended")), report.getLong("broken"), report.getLong("lostBytes")));
        JsonArray broken = report.getJsonArray("brokenConnections");
        for (int i = 0; i < Math.min(TABLE_ROWS, broken.size()); i++) {
            JsonObject b = broken.getJsonObject(i);
            row(out, "  broken", f("%s at byte %d of %d sent (%d lost) on %s at %.3f s", b.getString("ending"),
                    b.getLong("atByte"), b.getLong("sent"), b.getLong("lostBytes"), b.getString("pod"),
                    b.getDouble("atSeconds")));
        }
        more(out, broken, "broken connections");
        JsonObject failed = report.getJsonObject("failedConnects");
        row(out, "connects", f("%d failed: %s", failed.getLong("total"), counts(failed.getJsonObject("byCause"))));
        JsonObject fresh = report.getJsonObject("newConnections");
        row(out, "new", f("availability %s (%d of %d probes ok; failed: %s); outage %.3f s", percent(fresh),
                fresh.getLong("probesOk"), fresh.getLong("probes"), counts(fresh.getJsonObject("probeFailures")),
                fresh.getDouble("outageSeconds")));
        windows(out, fresh.getJsonArray("outages"));
        JsonObject established = report.getJsonObject("establishedConnections");
        row(out, "established", f("availability %s (all up for %.3f s of %.3f s); outage %.3f s", percent(established),
                established.getDouble("allUpSeconds"), report.getDouble("seconds"),
                established.getDouble("outageSeconds")));
        windows(out, established.getJsonArray("outages"));
        row(out, "retransmits", retransmits(report.getJsonObject("retransmits"), report.getString("clientTransport")));
        row(out, "client cpu", ClientCpu.describe(report.getJsonObject("clientCpu")));
        row(out, "echo gap", f("longest %.3f ms between echoes on one connection", report.getDouble("longestEchoGapMillis")));
        JsonObject reconnect = report.getJsonObject("reconnectMillis");
        row(out, "reconnect", f("p50 %s  p99 %s  max %s  (%d reconnects)", ms(reconnect.getDouble("p50")),
                ms(reconnect.getDouble("p99")), ms(reconnect.getDouble("max")), reconnect.getLong("count")));
        JsonObject rtt = report.getJsonObject("rttMicros");
        row(out, "round trip", f("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%d messages)", us(rtt.getDouble("p50")),
                us(rtt.getDouble("p90")), us(rtt.getDouble("p99")), us(rtt.getDouble("p99_9")), us(rtt.getDouble("max")),
                rtt.getLong("count")));
        JsonObject backends = report.getJsonObject("backends");
        if (backends != null) {
            out.append(f("  %-40s %11s %8s %10s %11s  %s%n", "pod", "connections", "lasting", "lost bytes",
                    "retransmits", "ended"));
            backends.forEach(entry -> {
                JsonObject backend = (JsonObject) entry.getValue();
                Long retransmits = backend.getLong("retransmits");
                out.append(f("  %-40s %11d %8d %10d %11s  %s%n", entry.getKey(), backend.getLong("connections"),
                        backend.getLong("lasting"), backend.getLong("lostBytes"), retransmits == null ? "-" : retransmits,
                        counts(backend.getJsonObject("ended"))));
            });
        }
        JsonArray budgets = report.getJsonArray("budgets");
        for (int i = 0; i < budgets.size(); i++) {
            JsonObject budget = budgets.getJsonObject(i);
            String unit = budget.getString("unit") == null ? "" : " " + budget.getString("unit");
            row(out, "budget", f("%s: %s", budget.getString("budget"), budget.getBoolean("ok")
                    ? budget.getValue("value") + unit + " of at most " + budget.getValue("limit") + unit + ", kept"
                    : "exceeded, " + budget.getString("exceeded")));
        }
        row(out, "result", report.getBoolean("ok") ? "OK, every echoed byte verified" + (budgets.isEmpty() ? ""
                : ", every budget kept") : "FAILED: " + report.getString("failure"));
        return out.toString();
    }

    /** {@code 3 segments retransmitted (TCP_INFO of 41 of 41 connections ...)}, or why there is no count. */
    private static String retransmits(JsonObject retransmits, String transport) {
        if (retransmits == null) {
            return "not available (client transport " + transport + ": no TCP_INFO)";
        }
        return f("%d segments retransmitted (TCP_INFO of %d of %d connections, read as each ended)",
                retransmits.getLong("segments"), retransmits.getLong("connectionsRead"),
                retransmits.getLong("connectionsEnded"));
    }

    private static void windows(StringBuilder out, JsonArray windows) {
        for (int i = 0; i < Math.min(TABLE_ROWS, windows.size()); i++) {
            JsonObject window = windows.getJsonObject(i);
            row(out, "  outage", f("%.3f s to %.3f s (%.3f s), from %s", window.getDouble("startSeconds"),
                    window.getDouble("endSeconds"), window.getDouble("seconds"), window.getString("start")));
        }
        more(out, windows, "outage windows");
    }

    private static void more(StringBuilder out, JsonArray rows, String what) {
        if (rows.size() > TABLE_ROWS) {
            row(out, "", f("  and %d more %s (in the JSON report)", rows.size() - TABLE_ROWS, what));
        }
    }

    /** {@code reset 2, stalled 1}, or {@code none}. */
    private static String counts(JsonObject counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach(e -> text.append(text.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return text.length() == 0 ? "none" : text.toString();
    }

    private static String percent(JsonObject connections) {
        Double availability = connections.getDouble("availability");
        return availability == null ? "unknown" : f("%.3f%%", availability * 100);
    }

    private static String ms(Double millis) {
        return millis == null ? "-" : f("%.1f ms", millis);
    }

    private static String us(Double micros) {
        return micros == null ? "-" : micros >= 10_000 ? f("%.1f ms", micros / 1000) : f("%.0f us", micros);
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(f("%-11s %s%n", name, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
