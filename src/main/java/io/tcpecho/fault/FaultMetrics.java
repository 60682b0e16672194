package io.tcpecho.fault;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The faults' meters, exported as {@code echo_fault_*}. The {@code scenario} label is a configured scenario's name,
 * {@code command} or {@code sni}: never what a client wrote, so that clients cannot grow the series.
 */
@Singleton
public class FaultMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public FaultMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A connection got the faults of {@code scenario}: counted once for each fault it has. */
    void chosen(String scenario, Set<String> faults) {
        faults.forEach(fault -> connections(scenario, fault).increment());
    }

    /** A connection of {@code scenario} was spared by its probability: the plain echo. */
    void spared(String scenario) {
        connections(scenario, "none").increment();
    }

    /** Registers the series of a configured scenario before its first connection, so that dashboards see zeros. */
    public void register(String scenario, Set<String> faults) {
        faults.forEach(fault -> connections(scenario, fault));
        connections(scenario, "none");
        delayedBytes(scenario);
    }

    private Counter connections(String scenario, String fault) {
        return counters.computeIfAbsent("c/" + scenario + "/" + fault, key -> Counter.builder("echo.fault.connections")
                .description("Connections given faults, by scenario and fault (none: spared by the probability)")
                .tags("scenario", scenario, "fault", fault).register(registry));
    }

    void delayed(String scenario, long bytes) {
        delayedBytes(scenario).increment(bytes);
    }

    private Counter delayedBytes(String scenario) {
        return counters.computeIfAbsent("d/" + scenario, key -> Counter.builder("echo.fault.delayed.bytes")
                .description("Bytes of echo held back by latency, bandwidth, slicer or first-byte-delay")
                .tags("scenario", scenario).register(registry));
    }

    /** What a fault did: one of the actions its {@link FaultType} declares. */
    void acted(String scenario, String action, long times) {
        counters.computeIfAbsent("a/" + scenario + "/" + action, key -> Counter.builder("echo.fault.actions")
                .description("What faults did, by scenario and action: " + String.join(", ", FaultTypes.actions()))
                .tags("scenario", scenario, "action", action).register(registry)).increment(times);
    }

    /** A client's selection of faults (command port, SNI) refused, by how it came and why. */
    public void refused(String via, String reason) {
        counters.computeIfAbsent("r/" + via + "/" + reason, key -> Counter.builder("echo.fault.selections.refused")
                .description("Fault selections refused (malformed or invalid), by how they came: command or sni")
                .tags("via", via, "reason", reason).register(registry)).increment();
    }
}
