package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import io.tcpecho.echo.ConnectionGate;
import io.tcpecho.echo.HeldConnection;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * Holds every accepted connection, while a test has it {@link #hold()}, until the test releases it; lets every
 * connection through otherwise, so that the tests that share its profile ({@link LimitsProfile}) meet no gate.
 */
@Alternative
@Singleton
public class HoldingGate implements ConnectionGate {

    private final BlockingQueue<HeldConnection> held = new LinkedBlockingQueue<>();
    private volatile Handler<NetSocket> serve;
    private volatile boolean holding;

    @Override
    public Handler<NetSocket> around(Handler<NetSocket> serve) {
        this.serve = serve;
        return socket -> {
            if (holding) {
                held.add(HeldConnection.hold(socket));
            } else {
                serve.handle(socket);
            }
        };
    }

    /** From now on, holds the connections accepted. */
    public void hold() {
        holding = true;
    }

    /** Lets the connections accepted from now on through, and closes those still held. */
    public void stopHolding() {
        holding = false;
        for (HeldConnection connection; (connection = held.poll()) != null;) {
            connection.close();
        }
    }

    /** The connections held, first accepted first. */
    public BlockingQueue<HeldConnection> held() {
        return held;
    }

    /** Releases the connection held longest, waiting a few seconds for one to arrive. */
    public void releaseNext() throws InterruptedException {
        HeldConnection connection = held.poll(5, TimeUnit.SECONDS);
        assertThat(connection).as("a held connection").isNotNull();
        connection.release(serve);
    }
}
