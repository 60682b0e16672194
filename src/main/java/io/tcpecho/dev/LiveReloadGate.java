package io.tcpecho.dev;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.dev.console.DevConsoleManager;
import io.quarkus.dev.spi.HotReplacementContext;
import io.tcpecho.echo.ConnectionGate;
import io.tcpecho.echo.HeldConnection;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * Live reload in {@code quarkus:dev}. The echo port carries no HTTP, so a new echo connection does what an
 * HTTP request does for Quarkus: it asks Quarkus to scan for edited sources and configuration, and waits,
 * held (see {@link HeldConnection}), until the scan is over. Connections accepted while a scan runs wait for
 * the same scan. Scans run at most once every {@link #MIN_INTERVAL}, like Quarkus's HTTP trigger.
 * <p>
 * When the scan restarts the application, the waiting connections are handed to the new application, which
 * serves them with the new code: Vert.x, and so every connection's event loop, survives a dev-mode restart,
 * and the new application publishes its connection handler in Vert.x's local shared data for the old one to
 * find. Nothing a waiting client sent is lost, whatever it sent and when.
 */
@IfBuildProfile("dev")
@Singleton
public class LiveReloadGate implements ConnectionGate {

    static final Duration MIN_INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(LiveReloadGate.class);
    /** Shared data that outlives a restart; keys and values are visible to the old and the new application. */
    private static final String SHARED_MAP = "tcp-echo.live-reload";
    private static final String CURRENT_APPLICATION = "serve";

    private final LocalMap<String, Object> shared;
    /**
     * Scans run on a thread of their own: a restart stops and starts Vert.x deployments, which must not wait
     * on an event loop or on a worker pool that is being shut down.
     */
    private final ExecutorService scanner = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "echo-live-reload");
        thread.setDaemon(true);
        return thread;
    });
    private Published published;
    private CompletableFuture<Boolean> scan = CompletableFuture.completedFuture(false);
    private long lastScanStart;
    private boolean scannedOnce;

    LiveReloadGate(Vertx vertx) {
        this.shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    }

    @Override
    public synchronized Handler<NetSocket> around(Handler<NetSocket> serve) {
        published = new Published(serve);
        shared.put(CURRENT_APPLICATION, published);
        return socket -> admit(socket, serve);
    }

    private void admit(NetSocket socket, Handler<NetSocket> serve) {
        HotReplacementContext context = DevConsoleManager.getHotReplacementContext();
        CompletableFuture<Boolean> pending = context == null ? null : scanToWaitFor(context);
        if (pending == null) {
            serve.handle(socket);
            return;
        }
        HeldConnection held = HeldConnection.hold(socket);
        pending.thenAccept(restarted -> {
            Handler<NetSocket> current = restarted ? currentApplication() : serve;
            if (current == null) {
                LOG.warn("Live reload left no echo listener running (see the error above); closing a waiting connection");
                held.close();
            } else {
                held.release(current);
            }
        });
    }

    /** The scan in progress, a new one if none ran within the interval, or null when none is due. */
    private synchronized CompletableFuture<Boolean> scanToWaitFor(HotReplacementContext context) {
        if (!scan.isDone()) {
            return scan;
        }
        long now = System.nanoTime();
        if (scannedOnce && now - lastScanStart < MIN_INTERVAL.toNanos()) {
            return null;
        }
        scannedOnce = true;
        lastScanStart = now;
        scan = CompletableFuture.supplyAsync(() -> scan(context), scanner);
        return scan;
    }

    private static boolean scan(HotReplacementContext context) {
        try {
            return context.doScan(true);
        } catch (Exception e) {
            LOG.errorf("Live reload failed: %s", e);
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private Handler<NetSocket> currentApplication() {
        return shared.get(CURRENT_APPLICATION) instanceof Handler<?> serve ? (Handler<NetSocket>) serve : null;
    }

    @PreDestroy
    synchronized void unpublish() {
        if (published != null) {
            shared.remove(CURRENT_APPLICATION, published);
        }
        scanner.shutdown();
    }

    /**
     * The running application's connection handler, as the shared map holds it. Only types of the parent
     * class loader ({@link Handler}, {@link NetSocket}) cross from one application to the next.
     */
    private record Published(Handler<NetSocket> serve) implements Handler<NetSocket>, Shareable {
        @Override
        public void handle(NetSocket socket) {
            serve.handle(socket);
        }
    }
}
