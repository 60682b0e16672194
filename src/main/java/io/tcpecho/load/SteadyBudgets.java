package io.tcpecho.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.tcpecho.config.Units;
import io.tcpecho.load.LoadConverters.DurationConverter;
import io.tcpecho.load.LoadConverters.SizeConverter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code steady}'s budgets for CI: the most of each disruption a run may see and pass. A budget not given is not
 * checked; one that is exceeded fails the run (exit status 1), named with by how much.
 */
final class SteadyBudgets {

    @Option(names = "--max-failed-connects", paramLabel = "N",
            description = "Fail the run above N failed connects of the long-lived connections.")
    Long failedConnects;

    @Option(names = "--max-outage", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Fail the run when new or established connections were out longer than this in all.")
    Long outageNanos;

    @Option(names = "--max-lost-bytes", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "Fail the run above this many bytes sent and never echoed.")
    Long lostBytes;

    @Option(names = "--max-broken", paramLabel = "N",
            description = "Fail the run above N broken connections (server FIN in flight, reset, stalled).")
    Long broken;

    void validate(CommandSpec spec) {
        notNegative(spec, "--max-failed-connects", failedConnects);
        notNegative(spec, "--max-broken", broken);
    }

    /** Whether any budget is given. */
    boolean any() {
        return failedConnects != null || outageNanos != null || lostBytes != null || broken != null;
    }

    private static void notNegative(CommandSpec spec, String option, Long budget) {
        if (budget != null) {
            LoadOptions.notNegative(spec, option, budget);
        }
    }

    /**
     * Each budget given, against the run's {@link SteadyLedger#summary() figures}: what, the limit, the value (seconds
     * for outages), whether it was kept and by how much it was exceeded.
     */
    JsonArray check(JsonObject summary) {
        JsonArray checked = new JsonArray();
        if (failedConnects != null) {
            checked.add(count("failed connects", failedConnects, summary.getJsonObject("failedConnects").getLong("total")));
        }
        if (outageNanos != null) {
            checked.add(outage("outage of new connections", summary.getJsonObject("newConnections")));
            checked.add(outage("outage of established connections", summary.getJsonObject("establishedConnections")));
        }
        if (lostBytes != null) {
            checked.add(count("lost bytes", lostBytes, summary.getLong("lostBytes")));
        }
        if (broken != null) {
            checked.add(count("broken connections", broken, summary.getLong("broken")));
        }
        return checked;
    }

    private static JsonObject count(String what, long limit, long value) {
        return checked(what, null, limit, value, value <= limit ? null : value + " > " + limit + " (by " + (value - limit) + ")");
    }

    private JsonObject outage(String what, JsonObject connections) {
        long value = Math.round(connections.getDouble("outageSeconds") * 1e9);
        return checked(what, "seconds", outageNanos / 1e9, value / 1e9, value <= outageNanos ? null
                : millis(value) + " > " + Units.formatDuration(Duration.ofNanos(outageNanos)) + " (by "
                        + millis(value - outageNanos) + ")");
    }

    /**
     * @param unit of the limit and the value; null for a count
     * @param exceeded by how much, in the words of the failure; null when within the budget
     */
    private static JsonObject checked(String what, String unit, Number limit, Number value, String exceeded) {
        return new JsonObject().put("budget", what).put("unit", unit).put("limit", limit).put("value", value)
                .put("ok", exceeded == null).put("exceeded", exceeded);
    }

    private static String millis(long nanos) {
        return Math.round(nanos / 1e6) + "ms";
    }

    /** The budgets exceeded, in one line ({@code failed connects 8 > 5 (by 3); ...}); null when none was. */
    static String exceeded(JsonArray checked) {
        List<String> over = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            JsonObject budget = checked.getJsonObject(i);
            if (!budget.getBoolean("ok")) {
                over.add(budget.getString("budget") + " " + budget.getString("exceeded"));
            }
        }
        return over.isEmpty() ? null : "over budget: " + String.join("; ", over);
    }
}
