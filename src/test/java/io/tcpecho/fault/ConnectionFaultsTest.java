package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@link ConnectionFaults#choose}: the probability drawn once per connection, a spared connection given nothing at all,
 * and each outcome counted by fault.
 */
class ConnectionFaultsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FaultMetrics metrics = new FaultMetrics(registry);

    @Test
    void noFaultsIsThePlainEchoAndNotCounted() {
        assertThat(ConnectionFaults.choose("test", FaultSpec.NONE, metrics)).isNull();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void withoutAProbabilityEveryConnectionGetsTheFaultsCountedOncePerFault() throws Exception {
        FaultSpec spec = FaultSelection.command("FAULT latency=10ms limit-data=5");
        for (int i = 0; i < 100; i++) {
            assertThat(ConnectionFaults.choose("test", spec, metrics)).isNotNull();
        }
        assertThat(connections("latency")).isEqualTo(100);
        assertThat(connections("truncate")).isEqualTo(100);
        assertThat(registry.find("echo.fault.connections").tag("fault", "none").counter()).isNull();
    }

    /** Toxiproxy's issue 603: a toxicity of 0 that still acted. A probability of 0 spares every connection. */
    @Test
    void aProbabilityOfZeroSparesEveryConnection() throws Exception {
        FaultSpec spec = FaultSelection.command("FAULT reset-peer=1s probability=0");
        for (int i = 0; i < 100; i++) {
            assertThat(ConnectionFaults.choose("test", spec, metrics)).isNull();
        }
        assertThat(connections("none")).isEqualTo(100);
        assertThat(registry.find("echo.fault.connections").tag("fault", "reset").counter()).isNull();
    }

    /**
     * A quarter of 4,000 connections: 1,000 on average, with a standard deviation of 27; 800 to 1,200 is more than
     * seven of them either way, so a fair draw falls outside it less than once in 10^12 runs.
     */
    @Test
    void aProbabilityPicksThatShareOfConnections() throws Exception {
        FaultSpec spec = FaultSelection.command("FAULT latency=10ms probability=0.25");
        int chosen = 0;
        for (int i = 0; i < 4000; i++) {
            chosen += ConnectionFaults.choose("test", spec, metrics) != null ? 1 : 0;
        }
        assertThat(chosen).isBetween(800, 1200);
        assertThat(connections("latency")).isEqualTo(chosen);
        assertThat(connections("none")).isEqualTo(4000 - chosen);
    }

    private double connections(String fault) {
        return registry.get("echo.fault.connections").tags("scenario", "test", "fault", fault).counter().count();
    }
}
