package io.tcpecho.load;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

import com.sun.management.OperatingSystemMXBean;

import io.vertx.core.json.JsonObject;

/**
 * What a run cost the load client in CPU, so that a user can tell how much of a pod's CPU the measuring takes and
 * whether the client, not the target, was the limit: the process's CPU time (all its threads, the JIT's and the
 * GC's too) from the workload's start to its end, per second and per 1,000 messages a second.
 */
final class ClientCpu {

    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long cpuAtStart = OS.getProcessCpuTime();

    /** Measures from now on. */
    static ClientCpu start() {
        return new ClientCpu();
    }

    /**
     * @return {@code seconds} of CPU used, {@code cores} (CPU seconds per second of the run) and
     *         {@code coresPerThousandMessagesPerSecond}; null fields where the JVM cannot tell or nothing was echoed
     */
    JsonObject used(double runSeconds, long messages) {
        long now = OS.getProcessCpuTime();
        if (cpuAtStart < 0 || now < 0 || runSeconds <= 0) {
            return unknown();
        }
        double seconds = (now - cpuAtStart) / 1e9;
        return figures(seconds, seconds / runSeconds, runSeconds, messages);
    }

    private static JsonObject unknown() {
        return new JsonObject().putNull("seconds").putNull("cores").putNull("coresPerThousandMessagesPerSecond");
    }

    private static JsonObject figures(double seconds, double cores, double runSeconds, long messages) {
        double thousandsPerSecond = messages / runSeconds / 1000;
        return new JsonObject()
                .put("seconds", round(seconds))
                .put("cores", round(cores))
                .put("coresPerThousandMessagesPerSecond", messages == 0 ? null : round(cores / thousandsPerSecond));
    }

    /**
     * What the processes of a run's shards cost together, each {@link #used} figure of one: their CPU seconds and cores
     * add up; null figures when any shard's JVM could not tell.
     */
    static JsonObject sum(List<JsonObject> shards, double runSeconds, long messages) {
        if (runSeconds <= 0 || shards.stream().anyMatch(cpu -> cpu == null || cpu.getDouble("seconds") == null)) {
            return unknown();
        }
        double cores = shards.stream().mapToDouble(cpu -> cpu.getDouble("cores")).sum();
        return figures(shards.stream().mapToDouble(cpu -> cpu.getDouble("seconds")).sum(), cores, runSeconds, messages);
    }

    /** {@code 1.2 s of CPU (0.085 cores; 0.042 cores per 1,000 messages/s)}, or why there is no figure. */
    static String describe(JsonObject cpu) {
        if (cpu == null || cpu.getDouble("seconds") == null) {
            return "not available from this JVM";
        }
        Double perThousand = cpu.getDouble("coresPerThousandMessagesPerSecond");
        return String.format(Locale.ROOT, "%.2f s of CPU (%.3f cores%s)", cpu.getDouble("seconds"), cpu.getDouble("cores"),
                perThousand == null ? "" : String.format(Locale.ROOT, "; %.4f cores per 1,000 messages/s", perThousand));
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
