package io.tcpecho.config;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Sizes the Vert.x event-loop pool at twice the CPUs the JVM may use (in a container: its CPU limit), as
 * Netty and plain Vert.x do, rather than Quarkus's one per CPU. The echo listener deploys one instance per
 * event loop; with two loops per CPU a loop that is descheduled holds up fewer connections. Measured with the Java
 * client, that kept the latency tail of many small echoes at the plain Netty baseline's; with a C client driving,
 * one loop per CPU had the lower tail and two the higher bulk throughput (bench/NOTES.md, sections 3 and 11).
 * <p>
 * Its ordinal is below every file and variable a user sets, so {@code quarkus.vertx.event-loops-pool-size}
 * (or {@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE}) still decides.
 */
public class EventLoopDefaultConfigSource implements ConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";
    private static final int ORDINAL = 50;

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, getValue(PROPERTY));
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTY.equals(propertyName) ? String.valueOf(2 * Runtime.getRuntime().availableProcessors()) : null;
    }

    @Override
    public String getName() {
        return "tcp-echo event-loop default";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
