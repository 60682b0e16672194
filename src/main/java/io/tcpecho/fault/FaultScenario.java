package io.tcpecho.fault;

import io.tcpecho.config.EchoConfig;

/**
 * A named scenario of the configuration (echo.faults.NAME.*): its port and its faults.
 *
 * @param name the scenario's name, the {@code scenario} label of the metrics
 */
public record FaultScenario(String name, int port, FaultSpec faults) {

    /** The scenario's faults as configured, range-checked; {@link FaultSpec.Builder#problems()} says what is wrong. */
    public static FaultSpec.Builder faults(EchoConfig.Scenario scenario) {
        return FaultSpec.builder()
                .set(Latency.LATENCY, scenario.latency())
                .set(Latency.JITTER, scenario.jitter())
                .set(Bandwidth.BANDWIDTH, scenario.bandwidth())
                .set(Slicer.AVERAGE_SIZE, scenario.slicer().averageSize())
                .set(Slicer.SIZE_VARIATION, scenario.slicer().sizeVariation())
                .set(Slicer.DELAY, scenario.slicer().delay())
                .set(Stall.TIMEOUT, scenario.timeout())
                .set(ResetAfterBytes.RESET_AFTER_BYTES, scenario.resetAfterBytes())
                .set(ResetPeer.RESET_PEER, scenario.resetPeer())
                .set(LimitData.LIMIT_DATA, scenario.limitData())
                .set(SlowClose.SLOW_CLOSE, scenario.slowClose())
                .set(NoHalfClose.NO_HALF_CLOSE, scenario.noHalfClose())
                .set(FirstByteDelay.FIRST_BYTE_DELAY, scenario.firstByteDelay())
                .set(Corrupt.CORRUPT_EVERY, scenario.corruptEvery())
                .set(Refuse.REFUSE, scenario.refuse())
                .set(FaultKey.PROBABILITY, scenario.probability());
    }

    /** The configured scenario, which {@code EchoConfigValidator} has checked. */
    public static FaultScenario of(String name, EchoConfig.Scenario scenario) {
        return new FaultScenario(name, scenario.port(), faults(scenario).build());
    }
}
