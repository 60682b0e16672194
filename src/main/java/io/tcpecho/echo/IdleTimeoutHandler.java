package io.tcpecho.echo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Closes a connection that saw no reads and no completed writes for the idle timeout. It hands the event
 * to its connection instead of passing it on, so that Vert.x's own idle handling (a silent close) never
 * runs and the close is counted with its reason.
 */
final class IdleTimeoutHandler extends IdleStateHandler {

    static final String NAME = "echo-idle-timeout";

    private final EchoHandler connection;

    IdleTimeoutHandler(Duration timeout, EchoHandler connection) {
        super(0, 0, timeout.toNanos(), TimeUnit.NANOSECONDS);
        this.connection = connection;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        connection.abort(CloseReason.IDLE_TIMEOUT);
    }
}
