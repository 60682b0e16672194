package io.tcpecho.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** The rules of the UDP echo's guard, with time as a number. */
class UdpGuardTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void serviceAndImpossibleSourcesGetNothing() {
        UdpGuard guard = new UdpGuard(10, 100, 0);
        for (int port : new int[] { 7, 19, 53, 123 }) {
            assertThat(guard.check(new InetSocketAddress("198.51.100.7", port), 0)).isEqualTo(UdpDrop.SERVICE_PORT);
        }
        assertThat(guard.check(new InetSocketAddress("255.255.255.255", 40000), 0)).isEqualTo(UdpDrop.BAD_SOURCE);
        assertThat(guard.check(new InetSocketAddress("224.0.0.1", 40000), 0)).isEqualTo(UdpDrop.BAD_SOURCE);
        assertThat(guard.check(new InetSocketAddress("0.0.0.0", 40000), 0)).isEqualTo(UdpDrop.BAD_SOURCE);
        assertThat(guard.check(new InetSocketAddress("198.51.100.7", 40000), 0)).isNull();
    }

    @Test
    void eachSourceHasItsRateAndAllShareTheGlobalOne() {
        UdpGuard guard = new UdpGuard(3, 5, 0);
        InetSocketAddress a = new InetSocketAddress("198.51.100.1", 40000);
        InetSocketAddress b = new InetSocketAddress("198.51.100.2", 40000);
        for (int i = 0; i < 3; i++) {
            assertThat(guard.check(a, 0)).isNull();
        }
        assertThat(guard.check(a, 0)).isEqualTo(UdpDrop.RATE_PER_SOURCE);
        assertThat(guard.check(b, 0)).isNull();
        assertThat(guard.check(b, 0)).isNull();
        assertThat(guard.check(b, 0)).as("five in all").isEqualTo(UdpDrop.RATE_GLOBAL);
        // A third of a second later, one more for a (3/s) and for everyone (5/s).
        assertThat(guard.check(a, SECOND / 3 + 1)).isNull();
    }

    @Test
    void sourcesBeyondTheBoundMeetOnlyTheGlobalRateAndFullBucketsAreForgotten() {
        UdpGuard guard = new UdpGuard(1, Integer.MAX_VALUE, 0);
        for (int i = 0; i < UdpGuard.MAX_SOURCES; i++) {
            assertThat(guard.check(new InetSocketAddress("10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255), 40000), 0))
                    .isNull();
        }
        assertThat(guard.sources()).isEqualTo(UdpGuard.MAX_SOURCES);
        InetSocketAddress late = new InetSocketAddress("198.51.100.9", 40000);
        assertThat(guard.check(late, 1)).isNull();
        assertThat(guard.check(late, 1)).as("no bucket of its own yet").isNull();
        assertThat(guard.sources()).isEqualTo(UdpGuard.MAX_SOURCES);
        // Two seconds on, every bucket is full again: a sweep forgets them, and new sources get buckets again.
        assertThat(guard.check(late, 2 * SECOND)).isNull();
        assertThat(guard.sources()).isEqualTo(1);
        assertThat(guard.check(late, 2 * SECOND)).isEqualTo(UdpDrop.RATE_PER_SOURCE);
    }
}
