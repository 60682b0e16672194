package io.tcpecho.echo;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The echo service's Micrometer meters, exported by Prometheus as {@code echo_*}. Counters are striped
 * adders, so event loops update them without contending on one another.
 * <p>
 * Every byte read is queued back at once, so bytes received and bytes sent are one count, kept once on
 * the hot path and exported under both names.
 */
@Singleton
public class EchoMetrics {

    private final Counter opened;
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final LongAdder bytesEchoed = new LongAdder();
    private final Timer duration;

    EchoMetrics(MeterRegistry registry, ConnectionRegistry connections) {
        Gauge.builder("echo.connections.active", connections, ConnectionRegistry::size)
                .description("Echo connections open now")
                .register(registry);
        opened = Counter.builder("echo.connections.opened")
                .description("Echo connections accepted, including those closed at once as over the limit")
                .register(registry);
        for (CloseReason reason : CloseReason.values()) {
            closed.put(reason, Counter.builder("echo.connections.closed")
                    .description("Echo connections closed, by reason")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
        FunctionCounter.builder("echo.bytes.received", bytesEchoed, LongAdder::doubleValue)
                .description("Bytes read from echo clients")
                .register(registry);
        FunctionCounter.builder("echo.bytes.sent", bytesEchoed, LongAdder::doubleValue)
                .description("Bytes written back to echo clients (queued for the socket)")
                .register(registry);
        duration = Timer.builder("echo.connection.duration")
                .description("How long echo connections stayed open")
                // Connections live from milliseconds (churn) to hours (idle); a few wide buckets cover both.
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1),
                        Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1))
                .register(registry);
    }

    void opened() {
        opened.increment();
    }

    void echoed(int bytes) {
        bytesEchoed.add(bytes);
    }

    void closed(CloseReason reason, long openNanos) {
        closed.get(reason).increment();
        duration.record(openNanos, TimeUnit.NANOSECONDS);
    }
}
