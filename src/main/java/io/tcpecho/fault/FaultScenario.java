package io.tcpecho.fault;

import java.util.Optional;

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
                .set(FaultKey.LATENCY, scenario.latency())
                .set(FaultKey.JITTER, scenario.jitter())
                .set(FaultKey.BANDWIDTH, scenario.bandwidth())
                .set(FaultKey.SLICER_AVERAGE_SIZE, scenario.slicer().averageSize())
                .set(FaultKey.SLICER_SIZE_VARIATION, scenario.slicer().sizeVariation())
                .set(FaultKey.SLICER_DELAY, scenario.slicer().delay())
                .set(FaultKey.TIMEOUT, scenario.timeout())
                .set(FaultKey.RESET_AFTER_BYTES, scenario.resetAfterBytes())
                .set(FaultKey.RESET_PEER, scenario.resetPeer())
                .set(FaultKey.LIMIT_DATA, scenario.limitData())
                .set(FaultKey.SLOW_CLOSE, scenario.slowClose())
                .set(FaultKey.NO_HALF_CLOSE, scenario.noHalfClose())
                .set(FaultKey.FIRST_BYTE_DELAY, scenario.firstByteDelay())
                .set(FaultKey.CORRUPT_EVERY, scenario.corruptEvery())
                .set(FaultKey.REFUSE, scenario.refuse())
                .set(FaultKey.PROBABILITY, scenario.probability() == 1 ? Optional.empty() : Optional.of(scenario.probability()));
    }

    /** The configured scenario, which {@code EchoConfigValidator} has checked. */
    public static FaultScenario of(String name, EchoConfig.Scenario scenario) {
        return new FaultScenario(name, scenario.port(), faults(scenario).build());
    }
}
