package io.tcpecho.echo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.config.EchoConfigValidator;
import io.tcpecho.fault.FaultMetrics;
import io.tcpecho.memory.DirectMemory;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.whoami.WhoamiReplies;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;

/**
 * Starts the echo listeners (plain, and TLS, identity and fault ports when they are set) when the application starts and stops them
 * (on request of the drain) when it stops. They are {@code echo.instances} verticle instances sharing the ports.
 */
@Singleton
public class EchoServer {

    private static final Logger LOG = Logger.getLogger(EchoServer.class);
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final EchoConfig config;
    private final ConnectionAcceptor acceptor;
    private final Instance<ConnectionGate> gate;
    private final MemoryBudget budget;
    private final TlsListener tls;
    private final FaultMetrics faultMetrics;
    private final WhoamiReplies whoami;
    /** Every instance, for certificate reloads. */
    private final List<EchoServerVerticle> verticles = new CopyOnWriteArrayList<>();
    private volatile String deploymentId;
    private volatile int port;
    private volatile int tlsPort;
    /** By listener name. */
    private final Map<String, Integer> boundPorts = new ConcurrentHashMap<>();
    /** Keeps the connections open while the listeners close for a drain. */
    private final ListenerCloseDeferral deferral = new ListenerCloseDeferral();
    private volatile int instances;

    EchoServer(@DataPlane Vertx vertx, EchoConfig config, ConnectionAcceptor acceptor, Instance<ConnectionGate> gate,
            MemoryBudget budget, TlsListener tls, FaultMetrics faultMetrics, WhoamiReplies whoami) {
        this.vertx = vertx;
        this.config = config;
        this.acceptor = acceptor;
        this.gate = gate;
        this.budget = budget;
        this.tls = tls;
        this.faultMetrics = faultMetrics;
        this.whoami = whoami;
    }

    void start(@Observes StartupEvent startup) throws InterruptedException {
        EchoConfigValidator.validate(config, DirectMemory.max(), EchoConfigValidator.managementPort(ConfigProvider.getConfig()));
        instances = config.instances().orElseGet(() -> EventLoops.of(vertx).size());
        List<Listener> listeners = Listener.declare(config, tls, faultMetrics, whoami);
        acceptor.serve(listeners);
        // One handler for every listener, so that the dev-mode gate hands held connections of any to the new code.
        Handler<NetSocket> accept = gate.isResolvable() ? gate.get().around(acceptor) : acceptor;
        Future<String> deployed = vertx.deployVerticle(() -> {
            EchoServerVerticle verticle = new EchoServerVerticle(listeners, deferral, accept);
            verticles.add(verticle);
            return verticle;
        }, new DeploymentOptions().setInstances(instances));
        deploymentId = await(deployed);
        port = verticles.get(0).actualPort(0);
        LOG.infof("Echo server listening on %s:%d with %d instances, transport %s, memory budget %d MiB of %d MiB"
                + " direct memory (%s), %d bytes per connection under pressure", config.host(), port, instances,
                transport(), budget.budget() >> 20, DirectMemory.max() >> 20, DirectMemory.allocation(), budget.allowance());
        if (tls.enabled()) {
            tlsPort = verticles.get(0).actualPort(1);
            LOG.infof("TLS echo listening on %s:%d, %s%s", config.host(), tlsPort, tls.describe(),
                    config.tls().faultsBySni() ? ", faults selected by the server name's first label" : "");
        }
        for (int i = 0; i < listeners.size(); i++) {
            Listener listener = listeners.get(i);
            int bound = verticles.get(0).actualPort(i);
            boundPorts.put(listener.name(), bound);
            listener.announcement().ifPresent(line -> LOG.infof(line, config.host(), bound));
        }
    }

    /** The bound port of fault scenario {@code name}, 0 when there is no such scenario. */
    public int faultPort(String name) {
        return boundPorts.getOrDefault(Listener.scenarioListener(name), 0);
    }

    /** The identity listener's bound port, 0 when it is off. */
    public int identityPort() {
        return boundPorts.getOrDefault(Listener.IDENTITY, 0);
    }

    /** The fault command port's bound port, 0 when it is off. */
    public int commandPort() {
        return boundPorts.getOrDefault(FaultRoute.COMMAND, 0);
    }

    /** The registry read the certificate files again (quarkus.tls.NAME.reload-period): new connections get changes. */
    void certificatesUpdated(@Observes CertificateUpdatedEvent updated) {
        // One update: the instances' servers share one actual server, which takes it. Vert.x 4.5 closes a connection
        // accepted while an update is pending, so TlsListener passes on only a change.
        tls.reloaded(updated, options -> verticles.isEmpty() ? Future.failedFuture("the listener is closed")
                : verticles.get(0).updateSsl(options));
    }

    /** Closes the listening sockets; open connections stay (see {@link ListenerCloseDeferral}). */
    public void stopAccepting() throws InterruptedException {
        String id = deploymentId;
        if (id == null) {
            return;
        }
        deploymentId = null;
        deferral.drain();
        verticles.clear();
        try {
            vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(DEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Closing the echo listener failed: %s", e.getCause() == null ? e : e.getCause());
        }
        LOG.infof("Echo server stopped accepting on port %d", port);
    }

    /** The TLS listener's bound port, 0 when it is off. */
    public int tlsPort() {
        return tlsPort;
    }

    /** Whether every instance is bound and accepting. */
    public boolean isListening() {
        return deploymentId != null;
    }

    /** The bound port: {@code echo.port}, or the one the kernel chose when that is 0. */
    public int port() {
        return port;
    }

    public int instances() {
        return instances;
    }


    private String await(Future<String> deployment) throws InterruptedException {
        try {
            return deployment.toCompletionStage().toCompletableFuture().get(DEPLOY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("The echo listener did not start within " + DEPLOY_TIMEOUT, e);
        } catch (ExecutionException e) {
            // EchoServerVerticle names the listener that failed.
            throw e.getCause() instanceof ConfigurationException named ? named
                    : ListenFailure.of(config.host() + ":" + config.port(), "echo.port", e.getCause());
        }
    }

    private String transport() {
        return vertx.isNativeTransportEnabled() ? EventLoops.transport(vertx)
                : EventLoops.transport(vertx) + " (native unavailable: " + vertx.unavailableNativeTransportCause() + ")";
    }
}
