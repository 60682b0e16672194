package io.tcpecho.testing;

import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Small limits and settings of their own, on one server for the tests of each, as each Quarkus test profile costs the
 * suite an application start: four echo connections, and three on the fault ports with a stall port that never closes
 * by itself ({@code MaxConnectionsTest}, whose connections each come from a loopback address of their own); two
 * connections per client address ({@code PerClientLimitTest}); UDP rates ({@code UdpRateLimitTest}); keepalive probes
 * after 7 s ({@code KeepAliveTest}); three event loops ({@code EventLoopSettingTest}); and the {@link HoldingGate}, which
 * holds connections only while {@code HeldConnectionTest} has it hold them.
 * <p>
 * No short idle timeout: the stalled and the probed connections here stay quiet for seconds
 * ({@code IdleTimeoutTest} runs with {@link MutualTlsProfile}).
 */
public class LimitsProfile implements QuarkusTestProfile {

    /** Datagrams a second that one source is answered, after a burst of as many. */
    public static final int UDP_RATE_PER_SOURCE = 20;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("echo.max-connections", "4"),
                Map.entry("echo.faults.max-connections", "3"),
                Map.entry("echo.faults.stall.port", "0"),
                Map.entry("echo.faults.stall.timeout", "0s"),
                Map.entry("echo.max-connections-per-client", "2"),
                Map.entry("echo.udp.rate-per-source", String.valueOf(UDP_RATE_PER_SOURCE)),
                Map.entry("echo.udp.rate-global", "1000"),
                Map.entry("echo.tcp.keep-alive-idle", "7s"),
                Map.entry("echo.tcp.keep-alive-interval", "3s"),
                Map.entry("echo.tcp.keep-alive-count", "4"),
                Map.entry("echo.event-loops", "3"));
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(HoldingGate.class);
    }
}
