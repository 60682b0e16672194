package io.tcpecho.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SSLOptions;

/**
 * One instance of the echo's listeners. Instances deployed together share each port: Vert.x binds it once and
 * hands each accepted connection to one instance's event loop. Undeploying the last one closes the listening
 * sockets.
 */
final class EchoServerVerticle extends AbstractVerticle {

    private final List<Listener> listeners;
    private final ListenerCloseDeferral deferral;
    private final Handler<NetSocket> accept;
    /** Filled on the verticle's event loop, read by certificate reloads from other threads. */
    private final List<NetServer> servers = new CopyOnWriteArrayList<>();

    EchoServerVerticle(List<Listener> listeners, ListenerCloseDeferral deferral, Handler<NetSocket> accept) {
        this.listeners = listeners;
        this.deferral = deferral;
        this.accept = accept;
    }

    @Override
    public void start(Promise<Void> started) {
        List<Future<NetServer>> bound = new ArrayList<>();
        for (Listener listener : listeners) {
            NetServer server = vertx.createNetServer(listener.options())
                    .connectHandler(listener.connectHandler(deferral, accept))
                    .exceptionHandler(listener.failures());
            servers.add(server);
            bound.add(server.listen().recover(failure -> Future.failedFuture(listenFailure(listener, failure))));
        }
        Future.all(bound).<Void>mapEmpty().onComplete(started);
    }

    private static RuntimeException listenFailure(Listener listener, Throwable failure) {
        int port = Math.max(listener.options().getPort(), 0); // negative: a random port shared by the instances
        return ListenFailure.of(listener.options().getHost() + ":" + port, listener.portKey(), failure);
    }

    /** The port listener {@code index} is bound to: the configured one, or the one the kernel chose for 0. */
    int actualPort(int index) {
        return servers.get(index).actualPort();
    }

    /**
     * Swaps the certificates of the TLS listener (for every instance: they share one actual server): connections from
     * now on get the new ones, open ones go on.
     */
    Future<?> updateSsl(SSLOptions options) {
        List<Future<Boolean>> updated = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            if (listeners.get(i).options().isSsl()) {
                // Forced: the registry reloads the same files, so the options compare equal though the contents changed.
                updated.add(servers.get(i).updateSSLOptions(options, true));
            }
        }
        return Future.all(updated);
    }
}
