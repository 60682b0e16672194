package io.tcpecho.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.ConfigurationException;
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

    private EchoConfigValidator() {
    }

    /**
     * @param directMemoryMax the direct memory the JVM lets Netty use, which the memory budget must fit in
     */
    public static void validate(EchoConfig config, long directMemoryMax) {
        List<String> problems = problems(config, directMemoryMax);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join(System.lineSeparator(), problems));
        }
    }

    static List<String> problems(EchoConfig config, long directMemoryMax) {
        List<String> problems = new ArrayList<>();
        range(problems, "echo.port", config.port(), 0, 65535);
        config.whoami().port().ifPresent(port -> {
            range(problems, "echo.whoami.port", port, 0, 65535);
            if (port != 0 && port == config.port()) {
                problems.add("Invalid configuration: echo.whoami.port=%d is echo.port too; give the whoami listener a port of its own"
                        .formatted(port));
            }
        });
        if (config.host().isBlank()) {
            problems.add("Invalid configuration: echo.host is empty; use an address such as 0.0.0.0 or 127.0.0.1");
        }
        config.instances().ifPresent(n -> range(problems, "echo.instances", n, 1, 1024));
        notNegative(problems, "echo.idle-timeout", config.idleTimeout());
        config.udp().port().ifPresent(port -> range(problems, "echo.udp.port", port, 0, 65535));
        config.tls().port().ifPresent(port -> {
            range(problems, "echo.tls.port", port, 0, 65535);
            if (port != 0 && (port == config.port() || config.whoami().port().orElse(0) == port)) {
                problems.add("Invalid configuration: echo.tls.port=%d is the port of another TCP listener; give the TLS echo a port of its own"
                        .formatted(port));
            }
            if (config.proxyProtocol() != ProxyProtocolMode.OFF) {
                problems.add("Invalid configuration: echo.proxy-protocol=%s is not supported with echo.tls.port (the TLS listener "
                        .formatted(config.proxyProtocol().name().toLowerCase())
                        + "reads no PROXY protocol header yet); set echo.proxy-protocol=off or unset echo.tls.port");
            }
        });
        range(problems, "echo.udp.rate-per-source", config.udp().ratePerSource(), 1, 10_000_000);
        range(problems, "echo.udp.rate-global", config.udp().rateGlobal(), 1, 10_000_000);
        range(problems, "echo.max-connections", config.maxConnections(), 1, Integer.MAX_VALUE);
        range(problems, "echo.max-connections-per-client", config.maxConnectionsPerClient(), 0, Integer.MAX_VALUE);
        long maxBudget = directMemoryMax / 4 * 3;
        config.memoryBudget().ifPresent(budget -> {
            if (budget.asLongValue() < MIN_MEMORY_BUDGET || budget.asLongValue() > maxBudget) {
                problems.add(("Invalid configuration: echo.memory-budget=%d is out of range; allowed: %d (1M) to %d, "
                        + "three quarters of the JVM's direct memory (-XX:MaxDirectMemorySize, by default the maximum heap)")
                        .formatted(budget.asLongValue(), MIN_MEMORY_BUDGET, maxBudget));
            }
        });
        long fit = MemoryBudget.connectionsThatFit(directMemoryMax);
        if (config.maxConnections() > fit) {
            problems.add(("Invalid configuration: echo.max-connections=%d does not fit in memory; with %d MiB of direct "
                    + "memory at most %d connections get the 1 KiB each that a quarter of it allows; lower "
                    + "echo.max-connections or give the JVM more memory").formatted(config.maxConnections(),
                            directMemoryMax >> 20, fit));
        }
        range(problems, "echo.write-queue-high-water-mark", config.writeQueueHighWaterMark(), 1024, 64 * 1024 * 1024);
        notNegative(problems, "echo.drain-timeout", config.drainTimeout());
        Duration proxyTimeout = config.proxyProtocolTimeout();
        if (proxyTimeout.toMillis() < 1 || proxyTimeout.compareTo(MAX_PROXY_PROTOCOL_TIMEOUT) > 0) {
            problems.add("Invalid configuration: echo.proxy-protocol-timeout=%s is out of range; allowed: 1ms to %s"
                    .formatted(DurationFormat.format(proxyTimeout), DurationFormat.format(MAX_PROXY_PROTOCOL_TIMEOUT)));
        }
        optionalRange(problems, "echo.tcp.receive-buffer-size", config.tcp().receiveBufferSize());
        optionalRange(problems, "echo.tcp.send-buffer-size", config.tcp().sendBufferSize());
        range(problems, "echo.tcp.accept-backlog", config.tcp().acceptBacklog(), 1, 65535);
        keepAlive(problems, config.tcp());
        return problems;
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
                    .formatted(key, DurationFormat.format(value)));
        }
    }

    private static void optionalRange(List<String> problems, String key, OptionalInt value) {
        value.ifPresent(v -> range(problems, key, v, 1024, 256 * 1024 * 1024));
    }

    private static void range(List<String> problems, String key, long value, long min, long max) {
        if (value < min || value > max) {
            problems.add("Invalid configuration: %s=%d is out of range; allowed: %d to %d".formatted(key, value, min, max));
        }
    }

    private static void notNegative(List<String> problems, String key, Duration value) {
        if (value.isNegative()) {
            problems.add("Invalid configuration: %s=%s is negative; allowed: 0s (off) or a positive duration such as 30s"
                    .formatted(key, DurationFormat.format(value)));
        }
    }
}
