package io.tcpecho.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.tcpecho.bench.Bench.Workload;
import io.tcpecho.bench.ServerUnderTest.Listener;

/**
 * The report's section "What steady costs the client" (issue 23): the continuous-traffic workload at a fixed rate
 * against ours, once a round, and the CPU the client process used for it as its own report says ({@code clientCpu}),
 * so that a user can size a load pod's CPU for the rate of a rollout drill.
 */
final class SteadyCost {

    static final String KEY = "steadycost";
    private static final int CONNECTIONS = 50;
    private static final int RATE = 100;
    /** The workload as Bench runs it; its figures are read from the report by this class, not by the Workload's fields. */
    static final Workload WORKLOAD = new Workload(KEY, "steady, " + CONNECTIONS + " connections x " + RATE
            + " msgs/s of 64 B", Listener.TCP, List.of("steady", "-c", String.valueOf(CONNECTIONS), "-r",
                    String.valueOf(RATE), "-m", "64", "-d", "10s", "--probe-interval", "1s"), "messages", "msgs",
            "rttMicros", Map.of());

    private final List<Double> messagesPerSecond = new ArrayList<>();
    private final List<Double> cores = new ArrayList<>();
    private final List<Double> coresPerThousand = new ArrayList<>();

    void add(JsonNode report) {
        messagesPerSecond.add(report.path("messages").asDouble() / report.path("seconds").asDouble());
        JsonNode cpu = report.path("clientCpu");
        cores.add(cpu.path("cores").asDouble());
        coresPerThousand.add(cpu.path("coresPerThousandMessagesPerSecond").asDouble());
    }

    String markdown() {
        if (cores.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## What steady costs the client\n\n");
        md.append(String.format(Locale.ROOT, "`load %s` against ours, once a round: the CPU the client process used "
                + "(all its threads: sending on schedule, verifying every echo, the probes, JIT and GC), from its own "
                + "report's `clientCpu`.\n\n", String.join(" ", WORKLOAD.args())));
        md.append("| messages/s | client CPU (cores) | cores per 1,000 messages/s |\n|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| %.0f | %.3f | %.4f |\n\n", Results.median(messagesPerSecond),
                Results.median(cores), Results.median(coresPerThousand)));
        md.append("Every round: cores ").append(format(cores)).append("; cores per 1,000 messages/s ")
                .append(format(coresPerThousand)).append(".\n\n");
        return md.toString();
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).collect(Collectors.joining(", "));
    }
}
