package io.tcpecho.fault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tcpecho.config.EchoConfig;

/**
 * A named scenario of the configuration (echo.faults.NAME.*): its port and its faults.
 *
 * @param name the scenario's name, the {@code scenario} label of the metrics
 */
public record FaultScenario(String name, int port, FaultSpec faults) {

    /**
     * The scenario's faults as configured, read with the command port's syntax and checks; {@link
     * FaultSpec.Builder#problems()} says what is wrong, a key that is no fault's too.
     */
    public static FaultSpec.Builder faults(EchoConfig.Scenario scenario) {
        FaultSpec.Builder faults = FaultSpec.builder();
        for (Map.Entry<String, String> entry : new TreeMap<>(scenario.values()).entrySet()) {
            if (entry.getKey().equals(EchoConfig.Scenario.PORT)) {
                continue;
            }
            FaultTypes.configured(entry.getKey()).ifPresentOrElse(key -> faults.parse(key, entry.getValue()),
                    () -> faults.problem("%s is no fault's key; the keys: %s".formatted(entry.getKey(), FaultTypes.names())));
        }
        return faults;
    }

    /** Every key a scenario may set besides its port, as written: {@code latency}, {@code slicer.average-size} ... */
    public static List<String> keys() {
        return FaultTypes.KEYS.stream().map(FaultKey::key).toList();
    }

    /** Every key a scenario may set besides its port, with what it takes, for the configuration reference. */
    public static Map<String, String> keysAllowed() {
        Map<String, String> allowed = new LinkedHashMap<>();
        FaultTypes.KEYS.forEach(key -> allowed.put(key.key(), key.allowed()));
        return allowed;
    }

    /** The configured scenario, which {@code EchoConfigValidator} has checked. */
    public static FaultScenario of(String name, EchoConfig.Scenario scenario) {
        return new FaultScenario(name, scenario.port(), faults(scenario).build());
    }
}
