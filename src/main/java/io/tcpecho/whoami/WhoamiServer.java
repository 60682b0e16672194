package io.tcpecho.whoami;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.echo.DataPlane;
import io.tcpecho.echo.EchoMetrics;
import io.tcpecho.echo.ListenFailure;
import io.tcpecho.echo.ProxyProtocolReader;
import io.tcpecho.proxy.ClientOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * The whoami listener (echo.whoami.port): each connection gets one line of JSON ({@link WhoamiReply}) and the
 * server's FIN. Behind a load balancer, repeated connections show which pods answer and how evenly; the load
 * client's {@code spread} counts them. The PROXY protocol applies as on the echo port.
 */
@Singleton
public class WhoamiServer {

    private static final Logger LOG = Logger.getLogger(WhoamiServer.class);
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final EchoConfig config;
    private final EchoMetrics metrics;
    private final WhoamiReplies replies;
    private volatile NetServer server;

    WhoamiServer(@DataPlane Vertx vertx, EchoConfig config, EchoMetrics metrics, WhoamiReplies replies) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.replies = replies;
    }

    /** After the echo listener, whose start validates the configuration. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent startup) throws InterruptedException {
        if (config.whoami().port().isEmpty()) {
            return;
        }
        int port = config.whoami().port().getAsInt();
        NetServer created = vertx.createNetServer(new NetServerOptions().setHost(config.host()).setPort(port)
                .setTcpNoDelay(true).setRegisterWriteHandler(false));
        created.connectHandler(this::accept);
        try {
            created.listen().toCompletionStage().toCompletableFuture().get(LISTEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ListenFailure.of(config.host() + ":" + port, "echo.whoami.port", e.getCause() == null ? e : e.getCause());
        }
        server = created;
        LOG.infof("Whoami listener on %s:%d, pod %s", config.host(), created.actualPort(), replies.podName());
    }

    private void accept(NetSocket socket) {
        ProxyProtocolReader.identify(socket, config, metrics, origin -> reply(socket, origin));
    }

    private void reply(NetSocket socket, ClientOrigin origin) {
        InetSocketAddress local = new InetSocketAddress(socket.localAddress().host(), socket.localAddress().port());
        socket.end(Buffer.buffer(replies.line(local, origin)));
    }

    /** The bound port; 0 when the listener is off. */
    public int port() {
        NetServer bound = server;
        return bound == null ? 0 : bound.actualPort();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        NetServer bound = server;
        if (bound != null) {
            server = null;
            bound.close();
        }
    }
}
