package io.tcpecho.load;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import picocli.CommandLine.Option;

/**
 * The load client's TLS options (a picocli mixin) and the TLS it builds from them. The JDK's TLS is used: it keeps
 * reading after its own close_notify, which the half-close of the workloads needs.
 */
final class ClientTls {

    @Option(names = "--tls", description = "Connect with TLS (to the TLS echo, echo.tls.port).")
    boolean enabled;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Trust the server certificates this PEM CA bundle signed (default: the JDK's trusted CAs).")
    File ca;

    @Option(names = "--tls-insecure", description = "Trust any server certificate: for tests only.")
    boolean insecure;

    @Option(names = "--sni", paramLabel = "NAME",
            description = "Server name to ask for (SNI) and to expect in the certificate (default: the target's host, if a name).")
    String serverName;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client certificate (PEM), for echo.tls.client-auth.")
    File certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Its private key (PEM, PKCS#8).")
    File key;

    private SslContext context;
    /** Unique per connection: see {@link #newHandler}. */
    private final AtomicInteger sessionKeys = new AtomicInteger();

    /**
     * Checks the options and builds the TLS context.
     *
     * @return the problem, as one line for the user, or null
     */
    String prepare() {
        if (!enabled) {
            return ca != null || insecure || serverName != null || certificate != null || key != null
                    ? "--tls-ca, --tls-insecure, --sni, --tls-cert and --tls-key need --tls" : null;
        }
        if (ca != null && insecure) {
            return "--tls-ca and --tls-insecure exclude each other";
        }
        if ((certificate == null) != (key == null)) {
            return "--tls-cert and --tls-key go together";
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (insecure) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (ca != null) {
                builder.trustManager(ca);
            }
            if (certificate != null) {
                builder.keyManager(certificate, key);
            }
            context = builder.build();
            return null;
        } catch (SSLException | IllegalArgumentException e) {
            return "cannot set up TLS: " + LoadRun.describe(e.getCause() != null ? e.getCause() : e);
        }
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * A TLS handler for one connection to {@code target}, asking for the server name if there is one. Every connection
     * makes a full handshake, so that a churn run measures handshakes, not resumptions: the JDK resumes a session (from
     * the tickets TLS 1.3 servers send after the handshake) for the same host and port, and the port the engine is
     * given serves only as that key, so each connection gets one of its own.
     */
    SslHandler newHandler(ByteBufAllocator allocator, InetSocketAddress target) {
        String name = serverName != null ? serverName
                : NetUtil.isValidIpV4Address(target.getHostString()) || NetUtil.isValidIpV6Address(target.getHostString())
                        ? null : target.getHostString();
        SslHandler handler = name == null ? context.newHandler(allocator)
                : context.newHandler(allocator, name, sessionKeys.getAndIncrement() & Integer.MAX_VALUE);
        if (name != null && !insecure) {
            // Check that the certificate is the name's, as any TLS client should.
            SSLParameters parameters = handler.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            handler.engine().setSSLParameters(parameters);
        }
        return handler;
    }

    /** For the report: how the client connects. */
    String describe() {
        return enabled ? "TLS" + (serverName != null ? " (SNI " + serverName + ")" : "") : "plain TCP";
    }
}
