package io.tcpecho.udp;

/** Why a datagram got no echo; {@link #tag()} is the {@code reason} label of {@code echo_udp_dropped_total}. */
enum UdpDrop {
    /**
     * From a well-known service port (echo, chargen, daytime, DNS, NTP ...): a reply could start a loop between
     * two such services or answer a spoofed request aimed at one, as inetd and xinetd refuse to.
     */
    SERVICE_PORT("service_port"),
    /** From an address no real sender has: unspecified, broadcast or multicast (a spoofed source). */
    BAD_SOURCE("bad_source"),
    /** Over echo.udp.rate-per-source. */
    RATE_PER_SOURCE("rate_per_source"),
    /** Over echo.udp.rate-global. */
    RATE_GLOBAL("rate_global"),
    /** The socket's send queue is full: the echo would have to wait in memory. */
    SEND_QUEUE_FULL("send_queue_full"),
    /** An empty datagram on the NIO transport, which cannot send an empty one (epoll can, and does). */
    EMPTY_ON_NIO("empty_on_nio");

    private final String tag;

    UdpDrop(String tag) {
        this.tag = tag;
    }

    String tag() {
        return tag;
    }
}
