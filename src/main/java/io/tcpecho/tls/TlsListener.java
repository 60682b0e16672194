package io.tcpecho.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.netty.handler.ssl.OpenSsl;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.tls.runtime.config.TlsBucketConfig;
import io.quarkus.tls.runtime.config.TlsConfig;
import io.quarkus.tls.runtime.config.TlsConfigUtils;
import io.smallrye.config.SmallRyeConfig;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.config.TlsEngine;
import io.vertx.core.Future;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SSLOptions;

/**
 * The TLS listener's settings (echo.tls.*, and the Quarkus TLS configuration it names), its handshakes and its
 * certificate reloads. The echo itself is the plain listener's: {@link io.tcpecho.echo.EchoServer} opens both.
 */
@Singleton
public class TlsListener {

    private static final Logger LOG = Logger.getLogger(TlsListener.class);
    /**
     * The JDK's switch for refusing client-initiated renegotiation (TLS 1.2; 1.3 has none). It reads it once, at the
     * first server-side handshake in the process, so it is set before the listener opens. Netty's OpenSSL engine refuses
     * it always.
     */
    static final String REFUSE_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    private final EchoConfig.Tls config;
    private final TlsConfigurationRegistry registry;
    private final TlsMetrics metrics;
    private final Optional<Duration> reloadPeriod;
    /**
     * What is served now: every certificate of the key store and the trust store. The registry reports every
     * periodic read, changed or not; a renewed CA bundle alone is a change too.
     */
    private volatile Served served;

    TlsListener(EchoConfig config, TlsConfigurationRegistry registry, TlsMetrics metrics, Config properties) {
        this.config = config.tls();
        this.registry = registry;
        this.metrics = metrics;
        // From the registry's own mapping, which also reads the quoted variables (QUARKUS_TLS__ECHO__RELOAD_PERIOD).
        TlsBucketConfig bucket = properties.unwrap(SmallRyeConfig.class).getConfigMapping(TlsConfig.class)
                .namedCertificateConfig().get(this.config.configurationName());
        this.reloadPeriod = bucket == null ? Optional.empty() : bucket.reloadPeriod();
    }

    public boolean enabled() {
        return config.port().isPresent();
    }

    /**
     * The TLS listener's options: the plain listener's socket options with the port, certificates, trust store,
     * protocols and handshake timeout of the TLS configuration.
     *
     * @throws ConfigurationException naming what is missing
     */
    public NetServerOptions options(NetServerOptions plain) {
        TlsConfiguration tls = configuration();
        if (System.getProperty(REFUSE_RENEGOTIATION) == null) {
            System.setProperty(REFUSE_RENEGOTIATION, "true");
        }
        int port = config.port().getAsInt();
        // A negative port is a random one shared by all instances; -1 is the plain listener's.
        NetServerOptions options = new NetServerOptions(plain).setPort(port == 0 ? -2 : port);
        TlsConfigUtils.configure(options, tls);
        served = Served.of(tls);
        metrics.listening(served.notAfter());
        // Vert.x's SNI mode only to choose among several certificates: it looks the name up on a worker thread, and a
        // client whose FIN comes first (plain text then FIN) makes Netty's SNI handler fail on a channel already closed,
        // uncounted and logged with a stack trace (quarkusio/quarkus#39134). With one certificate the TLS engine reads
        // the name from the ClientHello itself (TlsSession), and a handshake failure is always reported.
        return options.setSni(served.certificates() > 1).setClientAuth(config.clientAuth()).setSslEngineOptions(engine());
    }

    /** For the start-up line. */
    public String describe() {
        return "engine %s, certificate %s, client certificates %s, %s, TLS configuration '%s' %s".formatted(
                engineName(), served.describe(), config.clientAuth().name().toLowerCase(), renegotiation(),
                config.configurationName(),
                reloadPeriod.map(period -> "reloaded every " + period.toString().substring(2).toLowerCase())
                        .orElse("not reloaded (set " + property("reload-period") + ")"));
    }

    /**
     * The registry read this listener's files again: when what they hold changed, {@code apply} swaps it in, and once
     * that succeeded it counts as served. A refused update keeps the old certificate, and the next read tries again.
     */
    public void reloaded(CertificateUpdatedEvent updated, Function<SSLOptions, Future<?>> apply) {
        if (!enabled() || !config.configurationName().equals(updated.name())) {
            return;
        }
        Served candidate = Served.of(updated.tlsConfiguration());
        if (candidate.equals(served)) {
            return;
        }
        apply.apply(updated.tlsConfiguration().getSSLOptions())
                .onSuccess(done -> {
                    served = candidate;
                    metrics.reloaded(candidate.notAfter());
                    LOG.infof("TLS certificate reloaded: %s; new connections get it, open ones keep theirs",
                            candidate.describe());
                })
                .onFailure(failure -> LOG.errorf("The TLS listener keeps its old certificate: the new one was refused: %s",
                        failure));
    }

    /** A connection completed its handshake. */
    public TlsSession handshakeDone(NetSocket socket) {
        TlsSession session = TlsSession.of(socket);
        metrics.handshake(session.protocol());
        return session;
    }

    private String renegotiation() {
        return config.engine() == TlsEngine.JDK && !Boolean.getBoolean(REFUSE_RENEGOTIATION)
                ? "client-initiated renegotiation ALLOWED (-D" + REFUSE_RENEGOTIATION + "=false)"
                : "client-initiated renegotiation refused";
    }

    /** Whether {@code failure} of an established connection came from its TLS (a renegotiation, a corrupt record). */
    public static boolean isTlsFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A connection failed its handshake (Vert.x reports it to the server, as the connection never opened), or its TLS
     * failed later (a refused renegotiation): counted by reason, logged once per reason.
     */
    public void handshakeFailed(Throwable failure) {
        HandshakeFailure reason = HandshakeFailure.of(failure);
        metrics.failed(reason);
        if (reason.firstTime()) {
            LOG.warnf("Closed a TLS connection: %s (%s). Further such connections are only counted, in "
                    + "echo_tls_handshake_failures_total{reason=\"%s\"}", reason.description(), failure.getMessage(), reason.tag());
        } else {
            LOG.debugf("TLS handshake failed (%s): %s", reason.tag(), failure);
        }
    }

    private TlsConfiguration configuration() {
        String name = config.configurationName();
        TlsConfiguration tls = registry.get(name).orElseThrow(() -> new ConfigurationException(
                "echo.tls.port is set but there is no TLS configuration '%s': %s".formatted(name, setKeyStore())));
        if (tls.getKeyStoreOptions() == null) {
            throw new ConfigurationException("The TLS configuration '%s' has no key store: %s".formatted(name, setKeyStore()));
        }
        if (config.clientAuth() != ClientAuth.NONE && tls.getTrustStoreOptions() == null) {
            throw new ConfigurationException("echo.tls.client-auth=%s needs the CA of the client certificates: set %s (env %s) to its PEM file"
                    .formatted(config.clientAuth().name().toLowerCase(), property("trust-store.pem.certs"),
                            environmentVariable("trust-store.pem.certs")));
        }
        return tls;
    }

    private String setKeyStore() {
        return "set %s and %s (env %s and %s) to the PEM files of the certificate and its key".formatted(
                property("key-store.pem.0.cert"), property("key-store.pem.0.key"),
                environmentVariable("key-store.pem.0.cert"), environmentVariable("key-store.pem.0.key"));
    }

    private String property(String key) {
        return "quarkus.tls." + config.configurationName() + "." + key;
    }

    /**
     * The environment variable of a property of the TLS configuration. The configuration's name and the PEM entry's
     * index are map keys that no property names in advance, so they are quoted (a double underscore each side):
     * QUARKUS_TLS_ECHO_KEY_STORE_PEM_0_CERT would be ambiguous and is ignored.
     */
    private String environmentVariable(String key) {
        String quotedIndex = key.replace(".0.", "__0__");
        return ("QUARKUS_TLS__" + config.configurationName() + "__" + quotedIndex).toUpperCase().replaceAll("[.-]", "_");
    }

    private SSLEngineOptions engine() {
        if (config.engine() == TlsEngine.JDK) {
            return new JdkSSLEngineOptions();
        }
        if (!OpenSSLEngineOptions.isAvailable()) {
            throw new ConfigurationException("echo.tls.engine=openssl but OpenSSL does not load here ("
                    + OpenSsl.unavailabilityCause() + "); set echo.tls.engine=jdk");
        }
        return new OpenSSLEngineOptions();
    }

    private String engineName() {
        return config.engine() == TlsEngine.JDK ? "JDK (Java " + Runtime.version().feature() + ")"
                : "OpenSSL (" + OpenSsl.versionString() + "; a client's close_notify ends both directions)";
    }

    /**
     * The certificate a TLS configuration serves (the first of its key store, where there are several for SNI), for
     * logs and the expiry metric, and a digest of every certificate it serves and trusts, for comparison.
     */
    private record Served(X509Certificate certificate, int certificates, String digest) {

        static Served of(TlsConfiguration tls) {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                X509Certificate first = null;
                int served = tls.getKeyStore() == null ? 0 : tls.getKeyStore().size();
                for (KeyStore store : new KeyStore[] { tls.getKeyStore(), tls.getTrustStore() }) {
                    for (String alias : store == null ? List.<String>of() : Collections.list(store.aliases())) {
                        Certificate[] chain = store.getCertificateChain(alias);
                        for (Certificate certificate : chain != null ? chain : new Certificate[] { store.getCertificate(alias) }) {
                            if (first == null && store == tls.getKeyStore() && certificate instanceof X509Certificate x509) {
                                first = x509;
                            }
                            digest.update(certificate.getEncoded());
                        }
                    }
                }
                if (first == null) {
                    throw new ConfigurationException("The key store of the TLS configuration holds no X.509 certificate");
                }
                return new Served(first, served, HexFormat.of().formatHex(digest.digest()));
            } catch (GeneralSecurityException e) {
                throw new ConfigurationException("Cannot read the certificates of the TLS configuration: " + e.getMessage());
            }
        }

        Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }

        String describe() {
            return certificate.getSubjectX500Principal().getName() + " valid until " + notAfter();
        }
    }
}
