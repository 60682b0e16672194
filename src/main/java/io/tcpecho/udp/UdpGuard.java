package io.tcpecho.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Decides which datagrams get an echo: none from well-known service ports or impossible sources, and no more
 * than a rate per source address and a rate in all. Runs on the UDP channel's one event loop.
 * <p>
 * Per-source buckets are kept for at most {@link #MAX_SOURCES} addresses: a sender that spoofs more sources than
 * that only meets the global rate for the sources beyond, so memory stays bounded whatever it sends.
 */
final class UdpGuard {

    /**
     * Source ports that get no reply: the small services of inetd (echo, discard, daytime, qotd, chargen, time)
     * and the UDP services used for reflection attacks (DNS, NTP, SNMP, CLDAP, SSDP, memcached, ...).
     */
    private static final BitSet SERVICE_PORTS = new BitSet();
    static {
        IntStream.of(0, 7, 9, 13, 17, 19, 37, 53, 69, 111, 123, 137, 161, 389, 520, 1900, 5353, 11211)
                .forEach(SERVICE_PORTS::set);
    }
    /** The limited broadcast address: {@link InetAddress#equals} compares without the copy getAddress() makes. */
    private static final InetAddress LIMITED_BROADCAST = limitedBroadcast();
    static final int MAX_SOURCES = 16_384;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final int perSource;
    private final TokenBucket global;
    private final Map<InetAddress, TokenBucket> sources = new HashMap<>();
    private long sweptAt;

    UdpGuard(int perSource, int global, long now) {
        this.perSource = perSource;
        this.global = new TokenBucket(global, now);
    }

    /** Why {@code sender}'s datagram gets no echo, or null when it does. */
    UdpDrop check(InetSocketAddress sender, long now) {
        InetAddress address = sender.getAddress();
        // Per datagram: a BitSet and equals() rather than a boxed port and an address copy, no garbage for the collector.
        if (SERVICE_PORTS.get(sender.getPort())) {
            return UdpDrop.SERVICE_PORT;
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress() || address.equals(LIMITED_BROADCAST)) {
            return UdpDrop.BAD_SOURCE;
        }
        TokenBucket source = bucket(address, now);
        if (source != null && !source.take(now)) {
            return UdpDrop.RATE_PER_SOURCE;
        }
        return global.take(now) ? null : UdpDrop.RATE_GLOBAL;
    }

    private TokenBucket bucket(InetAddress address, long now) {
        TokenBucket bucket = sources.get(address);
        if (bucket == null) {
            if (sources.size() >= MAX_SOURCES) {
                // At most one sweep a second: a flood of new sources must not make each datagram cost a sweep.
                if (now - sweptAt < SWEEP_INTERVAL_NANOS) {
                    return null;
                }
                sweptAt = now;
                sources.values().removeIf(full -> full.full(now));
                if (sources.size() >= MAX_SOURCES) {
                    return null;
                }
            }
            bucket = new TokenBucket(perSource, now);
            sources.put(address, bucket);
        }
        return bucket;
    }

    int sources() {
        return sources.size();
    }

    private static InetAddress limitedBroadcast() {
        try {
            return InetAddress.getByAddress(new byte[] { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF });
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // thrown only for an address of the wrong length
        }
    }
}
