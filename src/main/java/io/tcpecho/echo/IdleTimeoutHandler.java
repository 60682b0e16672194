package io.tcpecho.echo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Closes a connection that saw no reads and no completed writes for the idle timeout (Netty's IdleStateHandler), with
 * the reason counted: it hands the event to its connection instead of passing it on.
 */
final class IdleTimeoutHandler extends IdleStateHandler {

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
