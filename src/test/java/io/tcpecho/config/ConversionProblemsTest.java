package io.tcpecho.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Values of the wrong type said in the validator's form, with the range problems of the same configuration: on real
 * SmallRye configurations, the one whose mapping fails as Quarkus's does and the one it was built from.
 */
class ConversionProblemsTest {

    private static final long DIRECT = 128L << 20;

    @Test
    void everyValueOfTheWrongTypeNamesWhatItsPropertyTakesAndTheOthersAreStillRangeChecked() {
        assertThat(lines(Map.of("echo.idle-timeout", "fast", "echo.max-connections", "0",
                "echo.tls.client-auth", "maybe", "echo.tcp.keep-alive-count", "many", "echo.tcp.keep-alive", "ture",
                "echo.faults.cut.port", "7010", "echo.faults.cut.probability", "often", "echo.faults.cut.latency", "20m")))
                .containsExactlyInAnyOrder(
                        "Invalid configuration: echo.idle-timeout=fast (env ECHO_IDLE_TIMEOUT) is not valid; allowed: a"
                                + " duration such as 500ms, 30s or 2m",
                        "Invalid configuration: echo.tls.client-auth=maybe (env ECHO_TLS_CLIENT_AUTH) is not valid;"
                                + " allowed: none, request, required",
                        "Invalid configuration: echo.tcp.keep-alive-count=many (env ECHO_TCP_KEEP_ALIVE_COUNT) is not"
                                + " valid; allowed: a whole number",
                        "Invalid configuration: echo.tcp.keep-alive=ture (env ECHO_TCP_KEEP_ALIVE) is not valid; allowed:"
                                + " true or false",
                        // A scenario's faults are read as written and checked by the faults' registry, in the same start.
                        "Invalid configuration: echo.faults.cut.probability='often' is not a number from 0 to 1",
                        "Invalid configuration: echo.max-connections=0 is out of range; allowed: 1 to 2147483647",
                        "Invalid configuration: echo.faults.cut.latency=20m is out of range; allowed: 0s to 10m");
    }

    @Test
    void aSizeIsSaidByItsOwnConverterAndNoProblemIsAboutTheValueStandingIn() {
        // Standing in for the budget (unset), the default would be checked instead.
        assertThat(lines(Map.of("echo.memory-budget", "lots"))).containsExactly(
                "Invalid configuration: echo.memory-budget=lots (env ECHO_MEMORY_BUDGET) is not valid: 'lots' is not a size"
                        + " such as 64, 4KiB, 32MiB or 1GiB");
    }

    @Test
    void aRequiredValueWithoutADefaultLeavesOnlyTheConversionProblems() {
        assertThat(lines(Map.of("echo.faults.cut.port", "seven", "echo.max-connections", "0"))).containsExactly(
                "Invalid configuration: echo.faults.cut.port=seven (env ECHO_FAULTS_CUT_PORT) is not valid; allowed: a"
                        + " whole number");
    }

    @Test
    void aRequiredPropertyThatNothingSetsIsNamedWithItsVariable() {
        assertThat(lines(Map.of("echo.faults.cut.latency", "1s", "echo.max-connections", "0"))).containsExactly(
                "Invalid configuration: echo.faults.cut.port (env ECHO_FAULTS_CUT_PORT) is not set, and it is required");
    }

    /** SmallRye's words for a boolean still read as they did; only its silent false for any other word is gone. */
    @Test
    void aBooleanTakesTheWordsSmallRyeDoes() {
        EchoConfig config = builder(Map.of("echo.access-log", "YES", "echo.tcp.no-delay", "off", "echo.tcp.reuse-port", "1"))
                .withMapping(EchoConfig.class).build().getConfigMapping(EchoConfig.class);
        assertThat(config.accessLog()).isTrue();
        assertThat(config.tcp().noDelay()).isFalse();
        assertThat(config.tcp().reusePort()).isTrue();
    }

    private static List<String> lines(Map<String, String> properties) {
        SmallRyeConfig sources = builder(properties).build();
        ConfigValidationException invalid = catchThrowableOfType(ConfigValidationException.class,
                () -> builder(properties).withMapping(EchoConfig.class).build());
        assertThat(invalid).as("the mapping fails").isNotNull();
        return ConversionProblems.lines(invalid, sources, DIRECT);
    }

    private static SmallRyeConfigBuilder builder(Map<String, String> properties) {
        // Quarkus's converters (durations such as 30s), as the application has them.
        return new SmallRyeConfigBuilder().addDiscoveredConverters().withSources(new PropertiesConfigSource(properties,
                "test", 100));
    }
}
