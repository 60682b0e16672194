package io.tcpecho.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.PromiseNotifier;

/**
 * Half-closure of a connection that may run TLS, for the echo server and the load client alike. On TLS, the peer
 * ends its output with close_notify (or a bare FIN), and we end ours with close_notify, then FIN: FIN alone would
 * tell the peer that what it got may be truncated. TLS 1.3 lets each side read on after the other's close_notify
 * (RFC 8446, 6.1).
 */
public final class TlsHalfClose {

    private TlsHalfClose() {
    }

    /** Whether {@code event} tells that the peer ended its output: FIN, or TLS's close_notify. */
    public static boolean isEndOfInput(Object event) {
        return event instanceof ChannelInputShutdownEvent || event == SslCloseCompletionEvent.SUCCESS;
    }

    /** Whether the channel runs TLS, whose end of output is close_notify before the FIN. */
    public static boolean isTls(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /** Sends close_notify if the channel runs TLS, then FIN; completes when the FIN is sent. */
    public static ChannelFuture shutdownOutput(Channel channel) {
        DuplexChannel duplex = (DuplexChannel) channel;
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return duplex.shutdownOutput();
        }
        ChannelPromise shut = channel.newPromise();
        ssl.closeOutbound().addListener(notified -> {
            if (notified.isSuccess()) {
                duplex.shutdownOutput().addListener(new PromiseNotifier<>(shut));
            } else {
                shut.setFailure(notified.cause()); // no FIN after a missing close_notify: the peer would take it as the end
            }
        });
        return shut;
    }
}
