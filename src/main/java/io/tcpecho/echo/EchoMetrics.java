package io.tcpecho.echo;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.netty.channel.Channel;
import io.tcpecho.memory.MemoryBudget;

/**
 * The echo service's Micrometer meters, exported by Prometheus as {@code echo_*}. Counters are striped
 * adders, so event loops update them without contending on one another.
 * <p>
 * Bytes received are counted when read, bytes sent when the socket took them, bytes dropped when a connection
 * closed with them still queued: received = sent + dropped + what is queued now ({@code echo_memory_held_bytes}).
 */
@Singleton
public class EchoMetrics {

    private final Counter opened;
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesDropped = new LongAdder();
    private final Counter memoryPauses;
    private final Counter acceptsDelayed;
    private final Timer duration;
    private final AtomicInteger opening = new AtomicInteger();
    private final Counter[] proxyHeaders = new Counter[2];
    private final Map<ProxyRejection, Counter> proxyRejections = new EnumMap<>(ProxyRejection.class);
    /** Adders, not counters: the drain reads them for its last log line, after Quarkus has detached the registry. */
    private final Map<DrainWay, LongAdder> drainEnded = new EnumMap<>(DrainWay.class);

    EchoMetrics(MeterRegistry registry, ConnectionRegistry connections, MemoryBudget budget) {
        Gauge.builder("echo.connections.active", connections, ConnectionRegistry::size)
                .description("Echo connections open now, on every port")
                .register(registry);
        Gauge.builder("echo.fault.port.connections.active", connections, ConnectionRegistry::faultPortConnections)
                .description("Connections open now on the fault ports (limited apart, by echo.faults.max-connections)")
                .register(registry);
        Gauge.builder("echo.connections.opening", opening, AtomicInteger::get)
                .description("Connections accepted but not echoing: reading their PROXY header or their FAULT line, or "
                        + "answering a refused fault selection")
                .register(registry);
        opened = Counter.builder("echo.connections.opened")
                .description("Echo connections accepted, including those closed at once as over a limit")
                .register(registry);
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, Counter.builder("echo.connections.closed")
                    .description("Echo connections closed, by reason")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
        bytes(registry, "echo.bytes.received", bytesReceived, "Bytes read from echo clients");
        bytes(registry, "echo.bytes.sent", bytesSent, "Bytes of echo the sockets took (written to the kernel)");
        bytes(registry, "echo.bytes.dropped", bytesDropped,
                "Bytes of echo still queued when their connection was reset or aborted");
        duration = Timer.builder("echo.connection.duration")
                .description("How long echo connections stayed open")
                // Connections live from milliseconds (churn) to hours (idle); a few wide buckets cover both.
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
                        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1))
                .register(registry);

        Gauge.builder("echo.memory.held", budget, MemoryBudget::held).baseUnit(BaseUnits.BYTES)
                .description("Bytes held for clients now: echo read and not yet written")
                .register(registry);
        Gauge.builder("echo.memory.budget", budget, MemoryBudget::budget).baseUnit(BaseUnits.BYTES)
                .description("The memory budget (echo.memory-budget)")
                .register(registry);
        Gauge.builder("echo.memory.state", budget, b -> b.state().level())
                .description("0 normal, 1 pressure (connections above a floor stop reading), 2 overloaded (readiness DOWN)")
                .register(registry);
        Gauge.builder("echo.memory.waiting.connections", budget, MemoryBudget::waiting)
                .description("Connections not read now because of the memory budget")
                .register(registry);
        memoryPauses = Counter.builder("echo.memory.pauses")
                .description("Times a connection stopped reading because of the memory budget")
                .register(registry);
        acceptsDelayed = Counter.builder("echo.accepts.delayed")
                .description("Connections accepted while overloaded, held unread until the overload ended")
                .register(registry);
        FunctionCounter.builder("echo.overloaded.seconds", budget, MemoryBudget::overloadedSeconds)
                .description("Time spent overloaded")
                .register(registry);

        for (int version = 1; version <= 2; version++) {
            proxyHeaders[version - 1] = Counter.builder("echo.proxy.protocol.headers")
                    .description("PROXY protocol headers received, by version (echo.proxy-protocol)")
                    .tag("version", String.valueOf(version))
                    .register(registry);
        }
        for (ProxyRejection rejection : ProxyRejection.values()) {
            proxyRejections.put(rejection, Counter.builder("echo.proxy.protocol.rejected")
                    .description("Connections closed unechoed for want of a valid PROXY protocol header, by reason")
                    .tag("reason", rejection.tag())
                    .register(registry));
        }
        for (DrainWay way : DrainWay.values()) {
            LongAdder ended = new LongAdder();
            drainEnded.put(way, ended);
            FunctionCounter.builder("echo.drain.connections.ended", ended, LongAdder::doubleValue)
                    .description("Connections open during a graceful drain, by how they ended")
                    .tag("way", way.tag())
                    .register(registry);
        }
    }

    private static void bytes(MeterRegistry registry, String name, LongAdder count, String description) {
        // No base unit: the names say bytes already, and Prometheus would append _bytes again.
        FunctionCounter.builder(name, count, LongAdder::doubleValue)
                .description(description)
                .register(registry);
    }

    void opened() {
        opened.increment();
    }

    void received(int bytes) {
        bytesReceived.add(bytes);
    }

    void sent(int bytes) {
        bytesSent.add(bytes);
    }

    void dropped(int bytes) {
        bytesDropped.add(bytes);
    }

    void pausedForMemory() {
        memoryPauses.increment();
    }

    void acceptDelayed() {
        acceptsDelayed.increment();
    }

    void proxyHeader(int version) {
        proxyHeaders[version - 1].increment();
    }

    void proxyRejected(ProxyRejection rejection) {
        proxyRejections.get(rejection).increment();
    }

    void countEndedInDrain(DrainWay way) {
        drainEnded.get(way).increment();
    }

    /** Connections the drain has seen end so far in {@code way}, for its closing log line. */
    public long endedInDrain(DrainWay way) {
        return drainEnded.get(way).sum();
    }

    void closed(CloseReason reason, long openNanos) {
        closed.get(reason).increment();
        duration.record(openNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A connection was accepted: counted as opening until {@code echoing} runs (its echo starts and counts it) or it
     * closes, whichever comes first; a connection that never echoes (a refused selection) is counted until it closes.
     *
     * @return what the connection runs as its echo starts
     */
    Runnable opening(Channel channel) {
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable done = () -> {
            if (counted.compareAndSet(true, false)) {
                opening.decrementAndGet();
            }
        };
        opening.incrementAndGet();
        channel.closeFuture().addListener(closed -> done.run());
        return done;
    }
}
