package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tcpecho.config.EchoConfig;

/**
 * A scenario's faults as the registry reads them from the configuration: what SmallRye hands it for a variable
 * ({@code ECHO_FAULTS_SLOW_SLICER_AVERAGE_SIZE}) and for a property, and the registry's own invariants.
 */
class FaultScenarioTest {

    @Test
    void variablesAsTheChartWritesThemAndPropertiesReadTheSame() {
        Map<String, FaultScenario> scenarios = scenarios(Map.of("ECHO_FAULTS_SLOW_PORT", "7101",
                "ECHO_FAULTS_SLOW_SLICER_AVERAGE_SIZE", "100", "ECHO_FAULTS_SLOW_RESET_AFTER_BYTES", "64KiB",
                "ECHO_FAULTS_SLOW_NO_HALF_CLOSE", "true", "ECHO_FAULTS_COMMAND_TIMEOUT", "3s", "ECHO_FAULTS_MAX_CONNECTIONS", "17"),
                Map.of("echo.faults.cut.port", "7102", "echo.faults.cut.slicer.average-size", "2",
                        "echo.faults.cut.limit-data", "5"));
        assertThat(scenarios).containsOnlyKeys("slow", "cut");
        assertThat(scenarios.get("slow").faults())
                .hasToString("slicer.average-size=100B reset-after-bytes=64KiB no-half-close=true");
        assertThat(scenarios.get("cut").faults()).hasToString("slicer.average-size=2B limit-data=5B");
    }

    @Test
    void aVariableOverridesThePropertyItSpells() {
        Map<String, FaultScenario> scenarios = scenarios(Map.of("ECHO_FAULTS_CUT_LIMIT_DATA", "10"),
                Map.of("echo.faults.cut.port", "7102", "echo.faults.cut.limit-data", "5"));
        assertThat(scenarios.get("cut").faults()).hasToString("limit-data=10B");
    }

    @Test
    void aKeyThatIsNoFaultsIsAProblem() {
        EchoConfig config = config(Map.of(), Map.of("echo.faults.cut.port", "7102", "echo.faults.cut.latncy", "5ms"));
        assertThat(FaultScenario.faults(config.faults().scenarios().get("cut")).problems()).singleElement().asString()
                .startsWith("latncy is no fault's key; the keys: latency, jitter, ");
    }

    @Test
    void everyKeyHasANameAndAVariableOfItsOwn() {
        List<String> keys = FaultScenario.keys();
        Set<String> variables = new HashSet<>();
        keys.forEach(key -> variables.add(key.replaceAll("[^a-z0-9]", "_").toUpperCase(Locale.ROOT)));
        assertThat(variables).hasSameSizeAs(keys).doesNotContain("PORT");
        assertThat(new HashSet<>(keys)).hasSameSizeAs(keys);
    }

    private static Map<String, FaultScenario> scenarios(Map<String, String> env, Map<String, String> properties) {
        Map<String, FaultScenario> scenarios = new TreeMap<>();
        config(env, properties).faults().scenarios()
                .forEach((name, scenario) -> scenarios.put(name, FaultScenario.of(name, scenario)));
        return scenarios;
    }

    private static EchoConfig config(Map<String, String> env, Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(EchoConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(env, 300), new PropertiesConfigSource(properties, "test", 250))
                .build().getConfigMapping(EchoConfig.class);
    }
}
