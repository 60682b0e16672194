package io.tcpecho.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The start-up checks of {@link EchoConfig}, on real config mappings built from properties. */
class EchoConfigValidatorTest {

    private static final long DIRECT = 128L << 20;

    @Test
    void defaultsAreValid() {
        assertThat(problems(Map.of())).isEmpty();
    }

    @Test
    void memoryBudgetMustBeAtLeast1MAndFitInThreeQuartersOfTheDirectMemory() {
        assertThat(problems(Map.of("echo.memory-budget", "96M"))).isEmpty();
        // One size syntax, the faults' and the load client's: 96MiB is 96M.
        assertThat(problems(Map.of("echo.memory-budget", "96MiB", "echo.write-queue-high-water-mark", "64KiB",
                "echo.tcp.receive-buffer-size", "256K", "echo.tcp.send-buffer-size", "1MiB"))).isEmpty();
        assertThat(problems(Map.of("echo.memory-budget", "97M"))).containsExactly(
                "Invalid configuration: echo.memory-budget=101711872 is out of range; allowed: 1048576 (1M) to 100663296,"
                        + " three quarters of the JVM's direct memory (-XX:MaxDirectMemorySize, by default the maximum heap)");
        assertThat(problems(Map.of("echo.memory-budget", "512K"))).singleElement().asString()
                .startsWith("Invalid configuration: echo.memory-budget=524288 is out of range");
    }

    @Test
    void maxConnectionsMustLeaveEachConnectionAtLeast1KiBOfAQuarterOfTheDirectMemory() {
        assertThat(problems(Map.of("echo.max-connections", "32768"))).isEmpty();
        assertThat(problems(Map.of("echo.max-connections", "32769"))).containsExactly(
                "Invalid configuration: echo.max-connections=32769 does not fit in memory; with 128 MiB of direct memory"
                        + " at most 32768 connections get the 1 KiB each that a quarter of it allows; lower"
                        + " echo.max-connections or give the JVM more memory");
        // The fault ports' connections need memory too, on a limit of their own.
        assertThat(problems(Map.of("echo.max-connections", "32000", "echo.faults.slow.port", "7101",
                "echo.faults.slow.latency", "1s"))).containsExactly(
                "Invalid configuration: echo.max-connections=32000 plus echo.faults.max-connections=1000 (the fault ports')"
                        + " does not fit in memory; with 128 MiB of direct memory at most 32768 connections get the 1 KiB each"
                        + " that a quarter of it allows; lower them or give the JVM more memory");
        assertThat(problems(Map.of("echo.faults.max-connections", "0"))).singleElement().asString()
                .startsWith("Invalid configuration: echo.faults.max-connections=0 is out of range");
    }

    @Test
    void perClientLimitIsZeroForOffOrPositive() {
        assertThat(problems(Map.of("echo.max-connections-per-client", "5"))).isEmpty();
        assertThat(problems(Map.of("echo.max-connections-per-client", "-1"))).containsExactly(
                "Invalid configuration: echo.max-connections-per-client=-1 is out of range; allowed: 0 to 2147483647");
    }

    @Test
    void keepAliveTimesAreWholeSecondsTheKernelTakesAndNeedKeepAliveOn() {
        assertThat(problems(Map.of("echo.tcp.keep-alive-idle", "300s", "echo.tcp.keep-alive-interval", "30s",
                "echo.tcp.keep-alive-count", "4"))).isEmpty();
        assertThat(problems(Map.of("echo.tcp.keep-alive-idle", "500ms"))).containsExactly(
                "Invalid configuration: echo.tcp.keep-alive-idle=500ms is out of range; allowed: whole seconds from 1s to 32767s");
        assertThat(problems(Map.of("echo.tcp.keep-alive-interval", "10h"))).containsExactly(
                "Invalid configuration: echo.tcp.keep-alive-interval=10h is out of range; allowed: whole seconds from 1s to 32767s");
        assertThat(problems(Map.of("echo.tcp.keep-alive-count", "0"))).containsExactly(
                "Invalid configuration: echo.tcp.keep-alive-count=0 is out of range; allowed: 1 to 127");
        assertThat(problems(Map.of("echo.tcp.keep-alive", "false", "echo.tcp.keep-alive-idle", "60s"))).containsExactly(
                "Invalid configuration: echo.tcp.keep-alive-idle, -interval and -count need echo.tcp.keep-alive=true");
    }

    @Test
    void theTlsListenerNeedsAPortOfItsOwnAndNoProxyProtocol() {
        assertThat(problems(Map.of("echo.tls.port", "7443", "echo.tls.client-auth", "required", "echo.tls.engine", "jdk"))).isEmpty();
        assertThat(problems(Map.of("echo.tls.port", "7007"))).containsExactly(
                "Invalid configuration: echo.tls.port=7007 is echo.port too; give each TCP listener a port of its own");
        assertThat(problems(Map.of("echo.tls.port", "70000"))).containsExactly(
                "Invalid configuration: echo.tls.port=70000 is out of range; allowed: 0 to 65535");
        assertThat(problems(Map.of("echo.tls.port", "7443", "echo.proxy-protocol", "required"))).containsExactly(
                "Invalid configuration: echo.proxy-protocol=required is not supported with echo.tls.port (the TLS listener"
                        + " reads no PROXY protocol header yet); set echo.proxy-protocol=off or unset echo.tls.port");
    }

    @Test
    void theIdentityListenerNeedsAPortOfItsOwnBesideTheWhoamiOne() {
        assertThat(problems(Map.of("echo.identity.port", "7009", "echo.whoami.port", "7008"))).isEmpty();
        assertThat(problems(Map.of("echo.identity.port", "7008", "echo.whoami.port", "7008"))).containsExactly(
                "Invalid configuration: echo.identity.port=7008 is echo.whoami.port too; give each TCP listener a port of its own");
        assertThat(problems(Map.of("echo.identity.port", "0", "echo.whoami.port", "0"))).as("two free ports").isEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "echo.port, 70000, 'Invalid configuration: echo.port=70000 is out of range; allowed: 0 to 65535'",
            "echo.whoami.port, 7007, 'Invalid configuration: echo.whoami.port=7007 is echo.port too; give each TCP listener a port of its own'",
            "echo.whoami.port, -1, 'Invalid configuration: echo.whoami.port=-1 is out of range; allowed: 0 to 65535'",
            "echo.identity.port, 7007, 'Invalid configuration: echo.identity.port=7007 is echo.port too; give each TCP listener a port of its own'",
            "echo.identity.port, 65536, 'Invalid configuration: echo.identity.port=65536 is out of range; allowed: 0 to 65535'",
            "echo.udp.port, 70000, 'Invalid configuration: echo.udp.port=70000 is out of range; allowed: 0 to 65535'",
            "echo.udp.rate-per-source, 0, 'Invalid configuration: echo.udp.rate-per-source=0 is out of range; allowed: 1 to 10000000'",
            "echo.udp.rate-global, -5, 'Invalid configuration: echo.udp.rate-global=-5 is out of range; allowed: 1 to 10000000'",
            "echo.event-loops, 0, 'Invalid configuration: echo.event-loops=0 is out of range; allowed: 1 to 1024'",
            "echo.event-loops, 1025, 'Invalid configuration: echo.event-loops=1025 is out of range; allowed: 1 to 1024'",
            "echo.instances, 0, 'Invalid configuration: echo.instances=0 is out of range; allowed: 1 to 1024'",
            "echo.idle-timeout, -5s, 'Invalid configuration: echo.idle-timeout=-5s is negative; allowed: 0s (off) or a positive duration such as 30s'",
            "echo.drain-timeout, -1s, 'Invalid configuration: echo.drain-timeout=-1s is negative; allowed: 0s (off) or a positive duration such as 30s'",
            "echo.drain-quiet-close, -2s, 'Invalid configuration: echo.drain-quiet-close=-2s is negative; allowed: 0s (off) or a positive duration such as 30s'",
            "echo.max-connections, 0, 'Invalid configuration: echo.max-connections=0 is out of range; allowed: 1 to 2147483647'",
            "echo.write-queue-high-water-mark, 10, 'Invalid configuration: echo.write-queue-high-water-mark=10B is out of range; allowed: 1KiB to 64MiB'",
            "echo.tcp.receive-buffer-size, 100, 'Invalid configuration: echo.tcp.receive-buffer-size=100B is out of range; allowed: 1KiB to 256MiB'",
            "echo.tcp.send-buffer-size, 512MiB, 'Invalid configuration: echo.tcp.send-buffer-size=512MiB is out of range; allowed: 1KiB to 256MiB'",
            "echo.tcp.accept-backlog, 0, 'Invalid configuration: echo.tcp.accept-backlog=0 is out of range; allowed: 1 to 65535'",
            "echo.proxy-protocol-timeout, 0s, 'Invalid configuration: echo.proxy-protocol-timeout=0s is out of range; allowed: 1ms to 1m'",
            "echo.proxy-protocol-timeout, 2m, 'Invalid configuration: echo.proxy-protocol-timeout=2m is out of range; allowed: 1ms to 1m'",
            "echo.host, ' ', 'Invalid configuration: echo.host is empty; use an address such as 0.0.0.0 or 127.0.0.1'",
    })
    void outOfRangeValuesAreNamedWithWhatIsAllowed(String key, String value, String problem) {
        assertThat(problems(Map.of(key, value))).containsExactly(problem);
    }

    @Test
    void faultScenariosAreCheckedKeyByKeyAndAsAWhole() {
        assertThat(problems(Map.of("echo.faults.slow.port", "7101", "echo.faults.slow.latency", "200ms",
                "echo.faults.slow.jitter", "50ms", "echo.faults.slow.bandwidth", "64KiB", "echo.faults.slow.probability", "0.5",
                "echo.faults.command-port", "7110", "echo.faults.cut.port", "7102", "echo.faults.cut.limit-data", "1MiB")))
                .isEmpty();
        assertThat(problems(Map.of("echo.faults.slow.port", "7101", "echo.faults.slow.latency", "20m"))).containsExactly(
                "Invalid configuration: echo.faults.slow.latency=20m is out of range; allowed: 0s to 10m");
        assertThat(problems(Map.of("echo.faults.slow.port", "7101", "echo.faults.slow.probability", "1.5",
                "echo.faults.slow.refuse", "true"))).containsExactly(
                "Invalid configuration: echo.faults.slow.probability=1.5 is out of range; allowed: 0 to 1");
        assertThat(problems(Map.of("echo.faults.slow.port", "7101", "echo.faults.slow.refuse", "true",
                "echo.faults.slow.latency", "1s"))).containsExactly(
                "Invalid configuration: echo.faults.slow.refuse combines with probability only (the connection gets no echo to shape)");
        assertThat(problems(Map.of("echo.faults.slow.port", "7101", "echo.faults.slow.slicer.delay", "1ms"))).containsExactly(
                "Invalid configuration: echo.faults.slow.slicer.size-variation and slicer.delay need slicer.average-size");
        assertThat(problems(Map.of("echo.faults.slow.port", "7101"))).containsExactly(
                "Invalid configuration: echo.faults.slow has a port but no fault; set one of its faults "
                        + "(echo.faults.slow.latency=200ms, echo.faults.slow.refuse=true ...)");
        assertThat(problems(Map.of("echo.faults.Slow_One.port", "7101", "echo.faults.Slow_One.refuse", "true"))).containsExactly(
                "Invalid configuration: echo.faults.Slow_One: the scenario's name must be 1 to 15 lower-case letters, digits "
                        + "and '-', beginning with a letter (it names the pod's port)");
        assertThat(problems(Map.of("echo.faults.slow.port", "7007", "echo.faults.slow.refuse", "true"))).containsExactly(
                "Invalid configuration: echo.faults.slow.port=7007 is echo.port too; give each TCP listener a port of its own");
        assertThat(problems(Map.of("echo.faults.command-port", "7007"))).containsExactly(
                "Invalid configuration: echo.faults.command-port=7007 is echo.port too; give each TCP listener a port of its own");
        assertThat(problems(Map.of("echo.faults.command-timeout", "0s"))).containsExactly(
                "Invalid configuration: echo.faults.command-timeout=0s is out of range; allowed: 1ms to 1m");
        assertThat(problems(Map.of("echo.tls.faults-by-sni", "true"))).containsExactly(
                "Invalid configuration: echo.tls.faults-by-sni=true needs the TLS echo; set echo.tls.port");
    }

    @Test
    void everyProblemIsReportedOnItsOwnLine() {
        assertThat(problems(Map.of("echo.port", "70000", "echo.instances", "0", "echo.idle-timeout", "-5s")))
                .containsExactlyInAnyOrder(
                        "Invalid configuration: echo.port=70000 is out of range; allowed: 0 to 65535",
                        "Invalid configuration: echo.instances=0 is out of range; allowed: 1 to 1024",
                        "Invalid configuration: echo.idle-timeout=-5s is negative; allowed: 0s (off) or a positive duration such as 30s");
    }

    /** Quarkus opens the management interface after the echo's listeners: they are checked against it beforehand. */
    @Test
    void theManagementPortIsInRangeAndTakenByNoEchoListener() {
        assertThat(problems(Map.of("echo.port", "9000"), OptionalInt.of(9000))).containsExactly(
                "Invalid configuration: echo.port=9000 is quarkus.management.port too; give each TCP listener a port of its own");
        assertThat(problems(Map.of(), OptionalInt.of(70000))).containsExactly(
                "Invalid configuration: quarkus.management.port=70000 is out of range; allowed: 0 to 65535");
        assertThat(EchoConfigValidator.managementPort(config(Map.of("quarkus.management.enabled", "true",
                "quarkus.management.port", "9100")))).hasValue(9100);
        assertThat(EchoConfigValidator.managementPort(config(Map.of("quarkus.management.enabled", "true")))).hasValue(9000);
        assertThat(EchoConfigValidator.managementPort(config(Map.of("quarkus.management.port", "9100")))).as("off").isEmpty();
        assertThat(EchoConfigValidator.managementPort(config(Map.of("quarkus.management.enabled", "true",
                "quarkus.management.port", "seven")))).as("reported as a conversion problem").isEmpty();
    }

    private static List<String> problems(Map<String, String> properties) {
        return problems(properties, OptionalInt.empty());
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    private static List<String> problems(Map<String, String> properties, OptionalInt managementPort) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(EchoConfig.class)
                // Quarkus's own converter, as in the application: "30s" as well as ISO-8601.
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return EchoConfigValidator.problems(config.getConfigMapping(EchoConfig.class), DIRECT, managementPort);
    }
}
