package io.tcpecho.tls;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The TLS listener's meters, exported as {@code echo_tls_*}; its connections count in the echo's own meters too. */
@Singleton
public class TlsMetrics {

    private final MeterRegistry registry;
    private final Map<HandshakeFailure, Counter> failures = new EnumMap<>(HandshakeFailure.class);
    private final Counter reloads;
    /** By protocol version: TLSv1.3, and TLSv1.2 where quarkus.tls.NAME.protocols allows it. */
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();
    private final AtomicLong notAfter = new AtomicLong();

    TlsMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (HandshakeFailure failure : HandshakeFailure.values()) {
            failures.put(failure, Counter.builder("echo.tls.handshake.failures")
                    .description("Connections to the TLS listener closed by a failed or refused handshake, by reason: before the echo, or a renegotiation during it")
                    .tag("reason", failure.tag())
                    .register(registry));
        }
        reloads = Counter.builder("echo.tls.certificate.reloads")
                .description("Times the TLS listener took new certificates from changed files, without a restart")
                .register(registry);
    }

    /** Registers the expiry gauge, which only means something with the TLS listener on. */
    void listening(Instant certificateNotAfter) {
        notAfter.set(certificateNotAfter.getEpochSecond());
        Gauge.builder("echo.tls.certificate.not.after", notAfter, AtomicLong::get)
                .description("When the TLS listener's certificate expires, in seconds since the epoch (alert on it minus time())")
                .baseUnit("seconds")
                .register(registry);
    }

    void handshake(String protocol) {
        handshakes.computeIfAbsent(protocol, version -> Counter.builder("echo.tls.handshakes")
                .description("TLS handshakes completed on the TLS listener, by protocol version")
                .tag("protocol", version)
                .register(registry)).increment();
    }

    void failed(HandshakeFailure failure) {
        failures.get(failure).increment();
    }

    void reloaded(Instant certificateNotAfter) {
        reloads.increment();
        notAfter.set(certificateNotAfter.getEpochSecond());
    }
}
