package io.tcpecho.udp;

import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The UDP echo's meters, exported as {@code echo_udp_*}. */
@Singleton
class UdpMetrics {

    private final Counter received;
    private final Counter echoed;
    private final Counter bytesReceived;
    private final Counter bytesEchoed;
    private final Map<UdpDrop, Counter> dropped = new EnumMap<>(UdpDrop.class);
    private final Counter fromWildcard;
    private final MeterRegistry registry;

    UdpMetrics(MeterRegistry registry) {
        this.registry = registry;
        fromWildcard = Counter.builder("echo.udp.replies.from.wildcard")
                .description("Replies sent from the wildcard socket, from the address the kernel prefers, because the "
                        + "datagram's destination had no socket of its own (unknown, or not bindable)")
                .register(registry);
        received = Counter.builder("echo.udp.datagrams.received").description("Datagrams received by the UDP echo")
                .register(registry);
        echoed = Counter.builder("echo.udp.datagrams.echoed").description("Datagrams the UDP echo sent back")
                .register(registry);
        bytesReceived = Counter.builder("echo.udp.bytes.received").description("Bytes of datagrams received")
                .register(registry);
        bytesEchoed = Counter.builder("echo.udp.bytes.echoed").description("Bytes of datagrams sent back")
                .register(registry);
        for (UdpDrop drop : UdpDrop.values()) {
            dropped.put(drop, Counter.builder("echo.udp.dropped")
                    .description("Datagrams that got no echo, by reason")
                    .tag("reason", drop.tag())
                    .register(registry));
        }
    }

    /** Registers the gauge of the per-address sockets, which exist only beside a wildcard socket. */
    void localAddressSockets(LocalAddressSockets sockets) {
        Gauge.builder("echo.udp.local.address.sockets", sockets, LocalAddressSockets::bound)
                .description("UDP sockets bound to one local address each, beside the wildcard one, so that replies leave "
                        + "from the address their datagram was sent to")
                .register(registry);
    }

    void replyFromWildcard() {
        fromWildcard.increment();
    }

    void received(int bytes) {
        received.increment();
        bytesReceived.increment(bytes);
    }

    void echoed(int bytes) {
        echoed.increment();
        bytesEchoed.increment(bytes);
    }

    void dropped(UdpDrop drop) {
        dropped.get(drop).increment();
    }
}
