package io.tcpecho.whoami;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.tcpecho.identity.PodIdentity;
import io.tcpecho.proxy.ClientOrigin;

/**
 * This pod's whoami lines ({@link WhoamiReply}, one line of JSON), numbered in one sequence for the whoami listener and
 * the identity listener (echo.identity.port), so that a connection number names one connection of the pod.
 */
@Singleton
public class WhoamiReplies {

    private final PodIdentity pod;
    private final String version;
    private final Instant started = Instant.now();
    private final AtomicLong connections = new AtomicLong();

    WhoamiReplies(PodIdentity pod, @ConfigProperty(name = "quarkus.application.version") String version) {
        this.pod = pod;
        this.version = version;
    }

    /** The next connection's line, newline included: {@code server} is the address it reached, {@code origin} its client. */
    public String line(InetSocketAddress server, ClientOrigin origin) {
        return WhoamiReply.of(pod, server, origin, connections.incrementAndGet(), started, version).encode() + "\n";
    }

    /** The pod's name, for start-up lines. */
    public String podName() {
        return pod.name();
    }
}
