package io.tcpecho.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import io.vertx.core.http.ClientAuth;

/**
 * The echo service's configuration. Every key can also be set by environment variable
 * ({@code echo.idle-timeout} is {@code ECHO_IDLE_TIMEOUT}). Ranges are checked at start-up by
 * {@link EchoConfigValidator}, which fails fast with one line per problem.
 */
@ConfigMapping(prefix = "echo")
public interface EchoConfig {

    /** TCP port of the echo listener. */
    @WithDefault("7007")
    int port();

    /** Address the echo listener binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /** Verticle instances sharing the port; defaults to the number of Vert.x event loops. */
    OptionalInt instances();

    /** Close a connection after this long without traffic in either direction; 0 turns it off. */
    @WithDefault("0s")
    Duration idleTimeout();

    /** Connections above this many are closed as soon as they are accepted. */
    @WithDefault("10000")
    int maxConnections();

    /**
     * Connections one client address may have open; more are closed as soon as they are accepted. 0 turns the
     * limit off. The address is the one the server sees: behind a load balancer that does not preserve client
     * addresses, all clients share the balancer's few addresses.
     */
    @WithDefault("0")
    int maxConnectionsPerClient();

    /**
     * Bytes the server may hold for all clients together (echo queued for sending) before it stops reading
     * from the connections that hold the most, and at the budget, stops serving new connections until memory
     * frees. Sizes such as 64M or 1G; default: half of the JVM's direct memory (see io.tcpecho.memory.MemoryBudget).
     */
    @WithConverter(MemorySizeConverter.class)
    Optional<MemorySize> memoryBudget();

    /**
     * Bytes a connection may have queued for sending before the server stops reading from it; reading
     * resumes when the queue is below half. This bounds the memory a client that does not read can make
     * the server hold. Netty reads up to 64 KiB at a time, so a bound of 64 KiB would pause and resume
     * reading after almost every read of a bulk transfer (bench/NOTES.md: 0.91x the baseline's MiB/s);
     * 256 KiB lets a few reads batch and is still small.
     */
    @WithDefault("262144")
    int writeQueueHighWaterMark();

    /**
     * PROXY protocol (v1 and v2) on the echo listener: off, required or optional. With it, the client address
     * that the per-client limit counts and logs show is the one the load balancer's header names.
     */
    @WithDefault("off")
    ProxyProtocolMode proxyProtocol();

    /**
     * How long a connection may take to send its complete PROXY protocol header before it is closed; in
     * optional mode, how long the first bytes may stay ambiguous before they count as data.
     */
    @WithDefault("5s")
    Duration proxyProtocolTimeout();

    /**
     * One log line per closed connection (category io.tcpecho.access): client, bytes, duration, close reason. Its
     * fields are also in the MDC, for JSON logging.
     */
    @WithConverter(StrictBooleanConverter.class)
    @WithDefault("false")
    boolean accessLog();

    /** How long connections in progress may take to finish when the server shuts down. */
    @WithDefault("30s")
    Duration drainTimeout();

    Tcp tcp();

    Whoami whoami();

    Udp udp();

    Tls tls();

    Faults faults();

    /**
     * Faults on demand: an echo that misbehaves on purpose, for testing how a load balancer, a mesh or a client
     * handles a failing backend. Named scenarios, each on a port of its own (echo.faults.NAME.port and the NAME's
     * faults); and, opt-in, a command port where each connection picks its faults by its first line. The plain echo
     * port never misbehaves. The keys, their syntax and ranges: io.tcpecho.fault.FaultKey.
     */
    interface Faults {
        /** A port where each connection's first line picks its faults ({@code FAULT latency=200ms}); unset = off. */
        OptionalInt commandPort();

        /** How long a connection to the command port may take to send its first line before it is closed. */
        @WithDefault("5s")
        Duration commandTimeout();

        /** The named scenarios (echo.faults.NAME.*). */
        @WithParentName
        Map<String, Scenario> scenarios();
    }

    /** One fault scenario: its port and its faults, which combine. Sizes as 64KiB, 1MiB; durations as 200ms, 1s. */
    interface Scenario {
        /** TCP port of the scenario's listener, on echo.host; 0 = a free port. */
        int port();

        /** Each echoed chunk goes back this long after it was read (plus or minus the jitter); order is kept. */
        Optional<Duration> latency();

        /** Uniform variation of the latency, at most the latency. */
        Optional<Duration> jitter();

        /** The echo leaves at most at this many bytes per second. */
        @WithConverter(Units.ByteSizeConverter.class)
        Optional<Long> bandwidth();

        Slicer slicer();

        /** Stall: accept, then neither read nor echo; close after this long (0 = never). */
        Optional<Duration> timeout();

        /** Reset (RST) once this many bytes were echoed. */
        @WithConverter(Units.ByteSizeConverter.class)
        Optional<Long> resetAfterBytes();

        /** Reset (RST) this long after the first byte arrived. */
        Optional<Duration> resetPeer();

        /** Echo this many bytes, then FIN; the rest is read and dropped. */
        @WithConverter(Units.ByteSizeConverter.class)
        Optional<Long> limitData();

        /** After the client's FIN and the whole echo, wait this long before the server's FIN. */
        Optional<Duration> slowClose();

        /** On the client's FIN, close both directions at once, dropping what is queued (the classic bug). */
        @WithConverter(StrictBooleanConverter.class)
        @WithDefault("false")
        boolean noHalfClose();

        /** Hold the first echoed byte this long after it was read. */
        Optional<Duration> firstByteDelay();

        /** Flip one bit in every this many echoed bytes. */
        @WithConverter(Units.ByteSizeConverter.class)
        Optional<Long> corruptEvery();

        /** Close each connection (RST) right after accept. */
        @WithConverter(StrictBooleanConverter.class)
        @WithDefault("false")
        boolean refuse();

        /** The chance that a connection gets these faults, drawn once at its start; the others get the plain echo. */
        @WithDefault("1")
        double probability();

        /** The echo in small writes with gaps between them. */
        interface Slicer {
            /** Average size of the writes; sets the slicer on. */
            @WithConverter(Units.ByteSizeConverter.class)
            Optional<Long> averageSize();

            /** Uniform variation of the size, less than the average. */
            @WithConverter(Units.ByteSizeConverter.class)
            Optional<Long> sizeVariation();

            /** The gap between two writes. */
            Optional<Duration> delay();
        }
    }

    /**
     * Echo inside TLS, on a port of its own next to the plain one. Off unless a port is set. The certificate and
     * key come from the Quarkus TLS configuration named by configuration-name (quarkus.tls.NAME.key-store.pem.0.cert
     * and .key: PEM files, as a Kubernetes TLS Secret mounts them); with quarkus.tls.NAME.reload-period set they are
     * read again, and new connections get the new certificate without a restart.
     */
    interface Tls {
        /** TCP port of the TLS echo, on echo.host; unset = no TLS listener, 0 = a free port. */
        OptionalInt port();

        /** The Quarkus TLS configuration (quarkus.tls.NAME.*) with the key store and, for client certificates, the trust store. */
        @WithDefault("echo")
        String configurationName();

        /**
         * Client certificates (mutual TLS): none, request (verified when the client sends one) or required. They
         * are verified against the trust store of the TLS configuration.
         */
        @WithDefault("none")
        ClientAuth clientAuth();

        /**
         * jdk (the JDK's TLS) or openssl (BoringSSL through netty-tcnative: cheaper handshakes, but a client's
         * close_notify closes both directions, so TLS 1.3's half-close loses the echo in flight; see TlsEngine).
         */
        @WithDefault("jdk")
        TlsEngine engine();

        /**
         * Let the first label of a client's server name (SNI) pick faults for its connection, e.g.
         * latency-200ms.echo.example.com (a wildcard certificate covers them); see io.tcpecho.fault.FaultSelection.
         */
        @WithConverter(StrictBooleanConverter.class)
        @WithDefault("false")
        boolean faultsBySni();
    }

    /**
     * UDP echo (RFC 862): each datagram back to its sender, unchanged. Off unless a port is set. Guarded against
     * the abuses of UDP echo: no reply to well-known service ports (two echo services cannot be made to loop),
     * and rate limits per source and in all (it cannot be used as a reflector at scale).
     */
    interface Udp {
        /** UDP port of the echo, on echo.host; unset = no UDP echo, 0 = a free port. */
        OptionalInt port();

        /** Datagrams per second one source address gets echoed; the rest are dropped and counted. */
        @WithDefault("1000")
        int ratePerSource();

        /** Datagrams per second echoed in all; the rest are dropped and counted. */
        @WithDefault("20000")
        int rateGlobal();
    }

    /**
     * A second listener that answers each connection with one line of JSON (which pod, which client) and closes
     * it: what a load balancer's user asks first. Off unless a port is set.
     */
    interface Whoami {
        /** TCP port of the whoami listener, on echo.host; unset = no whoami listener, 0 = a free port. */
        OptionalInt port();
    }

    interface Tcp {
        /** TCP_NODELAY: echo small messages without Nagle's delay. */
        @WithConverter(StrictBooleanConverter.class)
        @WithDefault("true")
        boolean noDelay();

        /** SO_KEEPALIVE: let the kernel detect peers that vanished. */
        @WithConverter(StrictBooleanConverter.class)
        @WithDefault("true")
        boolean keepAlive();

        /**
         * Idle time before the first keepalive probe (TCP_KEEPIDLE), in whole seconds; the kernel's
         * (net.ipv4.tcp_keepalive_time, two hours) when unset. Shorter than a load balancer's idle timeout, the
         * probes keep idle connections open through it.
         */
        Optional<Duration> keepAliveIdle();

        /** Time between unanswered keepalive probes (TCP_KEEPINTVL); the kernel's (75 s) when unset. */
        Optional<Duration> keepAliveInterval();

        /** Unanswered keepalive probes before the kernel drops the connection (TCP_KEEPCNT); the kernel's (9) when unset. */
        OptionalInt keepAliveCount();

        /** SO_RCVBUF in bytes; the kernel's default (with auto-tuning) when unset. */
        OptionalInt receiveBufferSize();

        /** SO_SNDBUF in bytes; the kernel's default (with auto-tuning) when unset. */
        OptionalInt sendBufferSize();

        /**
         * SO_REUSEPORT: lets several server processes bind the same port, the kernel spreading connections
         * over them. Off by default, so that a port already taken fails start-up instead of being shared.
         */
        @WithConverter(StrictBooleanConverter.class)
        @WithDefault("false")
        boolean reusePort();

        /** Length of the kernel's queue of connections waiting to be accepted. */
        @WithDefault("1024")
        int acceptBacklog();
    }
}
