package io.tcpecho.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.tcpecho.fault.FaultScenario;
import io.tcpecho.fault.FaultSpec;
import io.tcpecho.memory.MemoryBudget;

/**
 * Checks the ranges that the types of {@link EchoConfig} cannot express. Quarkus prints the message
 * of a {@link ConfigurationException} thrown at start-up as it is, without a stack trace, and exits
 * with status 1, so each problem is one line that names the property, its value and what is allowed.
 */
public final class EchoConfigValidator {

    static final long MIN_MEMORY_BUDGET = 1024 * 1024;
    /** A connection waiting for its header holds a file descriptor and is not yet counted by any limit. */
    static final Duration MAX_PROXY_PROTOCOL_TIMEOUT = Duration.ofMinutes(1);
    /** A Kubernetes port name (IANA service name syntax, 15 characters), as the chart names each scenario's port. */
    private static final Pattern SCENARIO_NAME = Pattern.compile("[a-z](?:[a-z0-9-]{0,13}[a-z0-9])?");

    private EchoConfigValidator() {
    }

    /**
     * @param directMemoryMax the direct memory the JVM lets Netty use, which the memory budget must fit in
     * @param managementPort the management interface's port ({@link #managementPort}), which no echo listener may take
     */
    public static void validate(EchoConfig config, long directMemoryMax, OptionalInt managementPort) {
        List<String> problems = problems(config, directMemoryMax, managementPort);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join(System.lineSeparator(), problems));
        }
    }

    /**
     * The port the management interface will listen on, none when it is off: Quarkus opens it after the echo's
     * listeners, and would report one of them on its port as "another process", or a port out of range with a stack
     * trace. A value that is not a number at all is reported with the other conversion problems.
     */
    public static OptionalInt managementPort(Config properties) {
        try {
            if (!properties.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false)) {
                return OptionalInt.empty();
            }
            boolean test = LaunchMode.current() == LaunchMode.TEST;
            return OptionalInt.of(properties.getOptionalValue(test ? "quarkus.management.test-port" : "quarkus.management.port",
                    Integer.class).orElse(test ? 9001 : 9000));
        } catch (IllegalArgumentException notANumber) {
            return OptionalInt.empty();
        }
    }

    static List<String> problems(EchoConfig config, long directMemoryMax, OptionalInt managementPort) {
        List<String> problems = new ArrayList<>();
        tcpPorts(problems, config, managementPort);
        if (config.host().isBlank()) {
            problems.add("Invalid configuration: echo.host is empty; use an address such as 0.0.0.0 or 127.0.0.1");
        }
        config.eventLoops().ifPresent(n -> range(problems, "echo.event-loops", n, 1, EchoConfig.MAX_EVENT_LOOPS));
        config.instances().ifPresent(n -> range(problems, "echo.instances", n, 1, 1024));
        notNegative(problems, "echo.idle-timeout", config.idleTimeout());
        config.udp().port().ifPresent(port -> range(problems, "echo.udp.port", port, 0, 65535));
        config.tls().port().ifPresent(port -> {
            if (config.proxyProtocol() != ProxyProtocolMode.OFF) {
                problems.add("Invalid configuration: echo.proxy-protocol=%s is not supported with echo.tls.port (the TLS listener "
                        .formatted(config.proxyProtocol().name().toLowerCase())
                        + "reads no PROXY protocol header yet); set echo.proxy-protocol=off or unset echo.tls.port");
            }
        });
        if (config.tls().faultsBySni() && config.tls().port().isEmpty()) {
            problems.add("Invalid configuration: echo.tls.faults-by-sni=true needs the TLS echo; set echo.tls.port");
        }
        faults(problems, config.faults());
        range(problems, "echo.udp.rate-per-source", config.udp().ratePerSource(), 1, 10_000_000);
        range(problems, "echo.udp.rate-global", config.udp().rateGlobal(), 1, 10_000_000);
        range(problems, "echo.max-connections", config.maxConnections(), 1, Integer.MAX_VALUE);
        range(problems, "echo.faults.max-connections", config.faults().maxConnections(), 1, Integer.MAX_VALUE);
        range(problems, "echo.max-connections-per-client", config.maxConnectionsPerClient(), 0, Integer.MAX_VALUE);
        long maxBudget = directMemoryMax / 4 * 3;
        config.memoryBudget().ifPresent(budget -> {
            if (budget < MIN_MEMORY_BUDGET || budget > maxBudget) {
                problems.add(("Invalid configuration: echo.memory-budget=%d is out of range; allowed: %d (1M) to %d, "
                        + "three quarters of the JVM's direct memory (-XX:MaxDirectMemorySize, by default the maximum heap)")
                        .formatted(budget, MIN_MEMORY_BUDGET, maxBudget));
            }
        });
        long fit = MemoryBudget.connectionsThatFit(directMemoryMax);
        long most = EchoConfig.mostConnections(config);
        if (most > fit) {
            boolean echoOnly = most == config.maxConnections();
            String limits = echoOnly ? "echo.max-connections=" + most
                    : "echo.max-connections=%d plus echo.faults.max-connections=%d (the fault ports')".formatted(
                            config.maxConnections(), config.faults().maxConnections());
            problems.add(("Invalid configuration: %s does not fit in memory; with %d MiB of direct memory at most %d "
                    + "connections get the 1 KiB each that a quarter of it allows; lower %s or give the JVM more memory")
                    .formatted(limits, directMemoryMax >> 20, fit, echoOnly ? "echo.max-connections" : "them"));
        }
        sizeRange(problems, "echo.write-queue-high-water-mark", config.writeQueueHighWaterMark(), 1024, 64 * 1024 * 1024);
        notNegative(problems, "echo.drain-timeout", config.drainTimeout());
        notNegative(problems, "echo.drain-quiet-close", config.drainQuietClose());
        Duration proxyTimeout = config.proxyProtocolTimeout();
        if (proxyTimeout.toMillis() < 1 || proxyTimeout.compareTo(MAX_PROXY_PROTOCOL_TIMEOUT) > 0) {
            problems.add("Invalid configuration: echo.proxy-protocol-timeout=%s is out of range; allowed: 1ms to %s"
                    .formatted(Units.formatDuration(proxyTimeout), Units.formatDuration(MAX_PROXY_PROTOCOL_TIMEOUT)));
        }
        optionalRange(problems, "echo.tcp.receive-buffer-size", config.tcp().receiveBufferSize());
        optionalRange(problems, "echo.tcp.send-buffer-size", config.tcp().sendBufferSize());
        range(problems, "echo.tcp.accept-backlog", config.tcp().acceptBacklog(), 1, 65535);
        keepAlive(problems, config.tcp());
        return problems;
    }

    /** Every TCP listener's port in range, and each its own (0, a free port, may repeat), the management one's too. */
    private static void tcpPorts(List<String> problems, EchoConfig config, OptionalInt managementPort) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        managementPort.ifPresent(port -> ports.put("quarkus.management.port", port));
        ports.put("echo.port", config.port());
        config.whoami().port().ifPresent(port -> ports.put("echo.whoami.port", port));
        config.identity().port().ifPresent(port -> ports.put("echo.identity.port", port));
        config.tls().port().ifPresent(port -> ports.put("echo.tls.port", port));
        new TreeMap<>(config.faults().scenarios()).forEach((name, scenario) -> ports.put("echo.faults." + name + ".port",
                scenario.port()));
        config.faults().commandPort().ifPresent(port -> ports.put("echo.faults.command-port", port));
        Map<Integer, String> taken = new HashMap<>();
        ports.forEach((key, port) -> {
            range(problems, key, port, 0, 65535);
            String first = port == 0 ? null : taken.putIfAbsent(port, key);
            if (first != null) {
                problems.add("Invalid configuration: %s=%d is %s too; give each TCP listener a port of its own"
                        .formatted(key, port, first));
            }
        });
    }

    /** Each scenario's faults in range and combinable, under names that can label metrics and name ports. */
    private static void faults(List<String> problems, EchoConfig.Faults faults) {
        new TreeMap<>(faults.scenarios()).forEach((name, scenario) -> {
            String prefix = "echo.faults." + name;
            if (!SCENARIO_NAME.matcher(name).matches()) {
                problems.add(("Invalid configuration: %s: the scenario's name must be 1 to 15 lower-case letters, digits "
                        + "and '-', beginning with a letter (it names the pod's port)").formatted(prefix));
            }
            FaultSpec.Builder spec = FaultScenario.faults(scenario);
            spec.problems().forEach(problem -> problems.add("Invalid configuration: %s.%s".formatted(prefix, problem)));
            if (spec.problems().isEmpty() && spec.build().isEmpty()) {
                problems.add("Invalid configuration: %s has a port but no fault; set one of its faults (%s.latency=200ms, "
                        .formatted(prefix, prefix) + "%s.refuse=true ...)".formatted(prefix));
            }
        });
        Duration timeout = faults.commandTimeout();
        if (timeout.toMillis() < 1 || timeout.compareTo(MAX_PROXY_PROTOCOL_TIMEOUT) > 0) {
            problems.add("Invalid configuration: echo.faults.command-timeout=%s is out of range; allowed: 1ms to %s"
                    .formatted(Units.formatDuration(timeout), Units.formatDuration(MAX_PROXY_PROTOCOL_TIMEOUT)));
        }
    }

    /** The kernel takes whole seconds up to 32767 for the times and up to 127 probes (tcp(7)). */
    private static void keepAlive(List<String> problems, EchoConfig.Tcp tcp) {
        tcp.keepAliveIdle().ifPresent(idle -> seconds(problems, "echo.tcp.keep-alive-idle", idle));
        tcp.keepAliveInterval().ifPresent(interval -> seconds(problems, "echo.tcp.keep-alive-interval", interval));
        tcp.keepAliveCount().ifPresent(count -> range(problems, "echo.tcp.keep-alive-count", count, 1, 127));
        boolean tuned = tcp.keepAliveIdle().isPresent() || tcp.keepAliveInterval().isPresent()
                || tcp.keepAliveCount().isPresent();
        if (tuned && !tcp.keepAlive()) {
            problems.add("Invalid configuration: echo.tcp.keep-alive-idle, -interval and -count need echo.tcp.keep-alive=true");
        }
    }

    private static void seconds(List<String> problems, String key, Duration value) {
        if (value.toNanos() % 1_000_000_000L != 0 || value.getSeconds() < 1 || value.getSeconds() > 32767) {
            problems.add("Invalid configuration: %s=%s is out of range; allowed: whole seconds from 1s to 32767s"
                    .formatted(key, Units.formatDuration(value)));
        }
    }

    private static void optionalRange(List<String> problems, String key, Optional<Long> value) {
        value.ifPresent(v -> sizeRange(problems, key, v, 1024, 256 * 1024 * 1024));
    }

    /** A size out of range, said in the sizes' own syntax. */
    private static void sizeRange(List<String> problems, String key, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add("Invalid configuration: %s=%s is out of range; allowed: %s to %s".formatted(key,
                    Units.formatBytes(value), Units.formatBytes(min), Units.formatBytes(max)));
        }
    }

    private static void range(List<String> problems, String key, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add("Invalid configuration: %s=%d is out of range; allowed: %d to %d".formatted(key, value, min, max));
        }
    }

    private static void notNegative(List<String> problems, String key, Duration value) {
        if (value.isNegative()) {
            problems.add("Invalid configuration: %s=%s is negative; allowed: 0s (off) or a positive duration such as 30s"
                    .formatted(key, Units.formatDuration(value)));
        }
    }
}
