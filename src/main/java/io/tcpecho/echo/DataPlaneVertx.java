package io.tcpecho.echo;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.tcpecho.config.EchoConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.VertxThreadFactory;

/**
 * Client traffic runs on event loops of its own, a Vert.x instance apart from Quarkus's. Under a flood one event loop's
 * pass over thousands of ready connections can take seconds (each send to a client that does not read costs the
 * kernel's pruning of that client's queue), and every task on the loop waits for the pass: a health probe or a metrics
 * scrape served on such a loop timed out, though nothing was blocked. On Quarkus's instance the management port now
 * shares its loops with nothing but itself, so liveness can report a stalled data plane instead of stalling with it.
 * <p>
 * {@code echo.event-loops} sizes it (one per CPU by default, measured against Netty's and Vert.x's two in
 * bench/NOTES.md, sections 11 and 13); the native transport is
 * used where the platform has it. Its threads are named {@code echo-eventloop-thread-N} (Vert.x's names with
 * {@code echo-} for {@code vert.x-}), so thread dumps and profiles tell them from the management port's.
 * <p>
 * In dev mode the instance outlives a live reload, as Quarkus's own does: {@code LiveReloadGate} hands the
 * connections it held during the reload to the new application, which needs them still open on their loops.
 */
@Singleton
public class DataPlaneVertx {

    private static final Logger LOG = Logger.getLogger(DataPlaneVertx.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Quarkus's Vert.x's shared data outlives a dev-mode restart; there the data plane waits for the next application. */
    private static final String SHARED_MAP = "tcp-echo.data-plane";
    private static final String INSTANCE = "vertx";

    /** The default count: one loop per CPU the JVM may use (in a container, its CPU limit). */
    public static int defaultEventLoops() {
        return Runtime.getRuntime().availableProcessors();
    }

    @Produces
    @DataPlane
    @Singleton
    Vertx dataPlane(EchoConfig config, Vertx quarkus) {
        // An out-of-range count is reported with every other problem by EchoConfigValidator before anything
        // listens; until then the default stands in.
        int loops = config.eventLoops().stream().filter(n -> n >= 1 && n <= EchoConfig.MAX_EVENT_LOOPS).findFirst()
                .orElseGet(DataPlaneVertx::defaultEventLoops);
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            return create(loops);
        }
        LocalMap<String, Object> survivors = quarkus.sharedData().getLocalMap(SHARED_MAP);
        if (survivors.get(INSTANCE) instanceof Supplier<?> carried && carried.get() instanceof Vertx kept) {
            if (EventLoops.of(kept).size() == loops) {
                return kept;
            }
            LOG.infof("echo.event-loops changed to %d: closing the data plane's %d event loops and their connections",
                    loops, EventLoops.of(kept).size());
            closeAndWait(kept);
        }
        Vertx created = create(loops);
        survivors.put(INSTANCE, new Carried(created));
        // Ends with Quarkus's, when dev mode itself stops.
        ((VertxInternal) quarkus).addCloseHook(completion -> created.close().onComplete(completion));
        return created;
    }

    void dispose(@Disposes @DataPlane Vertx dataPlane) {
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            closeAndWait(dataPlane);
        }
    }

    private static void closeAndWait(Vertx dataPlane) {
        try {
            dataPlane.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Closing the data plane's event loops failed: %s", e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Vertx create(int loops) {
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true);
        // Vert.x 4 names threads only through its internal builder, as Quarkus does for its own instance.
        return new VertxBuilder(options).threadFactory(new EchoThreads()).init().vertx();
    }

    private static final class EchoThreads implements VertxThreadFactory {
        @Override
        public VertxThread newVertxThread(Runnable target, String name, boolean worker, long maxExecTime,
                TimeUnit maxExecTimeUnit) {
            return new VertxThread(target, name.replaceFirst("^vert\\.x-", "echo-"), worker, maxExecTime, maxExecTimeUnit);
        }
    }

    /**
     * The data plane as the shared map holds it across a dev-mode restart: only types of the parent class loader
     * ({@link Supplier}, {@link Vertx}) cross from one application to the next.
     */
    private record Carried(Vertx vertx) implements Supplier<Vertx>, Shareable {
        @Override
        public Vertx get() {
            return vertx;
        }
    }
}
