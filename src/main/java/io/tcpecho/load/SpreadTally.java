package io.tcpecho.load;

import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonObject;

/**
 * What {@code load spread}'s connections met, as counts that add up: each pod's connect times (a histogram, whose count
 * is the pod's connections), the client addresses the pods saw, the PROXY protocol versions that came, and the
 * connections that got no answer. A shard's report carries its tally as JSON ({@link #toJson()}); {@code load merge}
 * reads the shards' back ({@link #fromJson}) and adds them into the run's.
 */
final class SpreadTally {

    private final Map<String, Histogram> connectByPod = new TreeMap<>();
    private final Map<String, Long> clients = new TreeMap<>();
    private final Map<String, Long> proxy = new TreeMap<>();
    private long failures;
    private String firstFailure;

    /** One connection's answer: the pod that sent it, its connect time, and the client as that pod saw it. */
    synchronized void answered(String pod, long connectNanos, String clientAddress, String proxyVersion) {
        connectByPod.computeIfAbsent(pod, p -> new Histogram(3)).recordValue(Math.max(1, connectNanos));
        clients.merge(clientAddress, 1L, Long::sum);
        proxy.merge(proxyVersion, 1L, Long::sum);
    }

    synchronized void failed(String why) {
        failures++;
        if (firstFailure == null) {
            firstFailure = why;
        }
    }

    /** Adds {@code other}'s counts to these; the first failure stays the one this tally had, if it had one. */
    synchronized void add(SpreadTally other) {
        other.connectByPod.forEach((pod, connects) -> connectByPod.computeIfAbsent(pod, p -> new Histogram(3)).add(connects));
        other.clients.forEach((client, count) -> clients.merge(client, count, Long::sum));
        other.proxy.forEach((version, count) -> proxy.merge(version, count, Long::sum));
        failures += other.failures;
        if (firstFailure == null) {
            firstFailure = other.firstFailure;
        }
    }

    /** Each pod's connect times, by pod name: a copy. */
    synchronized Map<String, Histogram> connectByPod() {
        Map<String, Histogram> copy = new TreeMap<>();
        connectByPod.forEach((pod, connects) -> copy.put(pod, connects.copy()));
        return copy;
    }

    /** Every pod's connect times together. */
    synchronized Histogram connects() {
        Histogram all = new Histogram(3);
        connectByPod.values().forEach(all::add);
        return all;
    }

    /** The pods that answered. */
    synchronized int pods() {
        return connectByPod.size();
    }

    synchronized long answered() {
        return connectByPod.values().stream().mapToLong(Histogram::getTotalCount).sum();
    }

    synchronized long failures() {
        return failures;
    }

    /** Why the first connection without an answer got none; null when all got one. */
    synchronized String firstFailure() {
        return firstFailure;
    }

    synchronized Map<String, Long> clients() {
        return new TreeMap<>(clients);
    }

    synchronized Map<String, Long> proxy() {
        return new TreeMap<>(proxy);
    }

    /**
     * The tally as a report's fields: {@code pods} (each pod's {@code connections}, connect time p50 and p99 in
     * microseconds and its {@code connectHistogram}, {@link Histograms}' encoding), {@code answered}, {@code failures},
     * {@code firstFailure}, {@code clients} and {@code proxyProtocol}.
     */
    synchronized JsonObject toJson() {
        JsonObject pods = new JsonObject();
        connectByPod.forEach((pod, connect) -> pods.put(pod, new JsonObject()
                .put("connections", connect.getTotalCount())
                .put("connectMicrosP50", connect.getValueAtPercentile(50) / 1000.0)
                .put("connectMicrosP99", connect.getValueAtPercentile(99) / 1000.0)
                .put("connectHistogram", Histograms.encode(connect))));
        return new JsonObject()
                .put("answered", answered())
                .put("failures", failures)
                .put("firstFailure", firstFailure)
                .put("pods", pods)
                .put("clients", new JsonObject(new TreeMap<String, Object>(clients)))
                .put("proxyProtocol", new JsonObject(new TreeMap<String, Object>(proxy)));
    }

    /**
     * The tally {@link #toJson()} wrote into a report; an IllegalArgumentException (or the ClassCastException and
     * NullPointerException of a field of another type or none) says it is not one.
     */
    static SpreadTally fromJson(JsonObject report) {
        SpreadTally tally = new SpreadTally();
        report.getJsonObject("pods").forEach(pod -> tally.connectByPod.put(pod.getKey(),
                Histograms.decode(((JsonObject) pod.getValue()).getString("connectHistogram"))));
        report.getJsonObject("clients").forEach(client -> tally.clients.put(client.getKey(),
                ((Number) client.getValue()).longValue()));
        report.getJsonObject("proxyProtocol").forEach(version -> tally.proxy.put(version.getKey(),
                ((Number) version.getValue()).longValue()));
        tally.failures = report.getLong("failures");
        tally.firstFailure = report.getString("firstFailure");
        return tally;
    }
}
