package io.tcpecho.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.config.ProxyProtocolMode;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.proxy.ProxyHeader;
import io.tcpecho.proxy.ProxyV1Line;
import io.tcpecho.proxy.ProxyV2Layout;
import io.vertx.core.net.NetSocket;

/**
 * Reads the PROXY protocol header a load balancer sends before the client's bytes, then starts the echo with the
 * client it names, in the same event-loop turn: the bytes after the header go straight to the echo, byte-exact.
 * <p>
 * Three handlers go in front of Vert.x's ({@link #handlers}): a {@link Signature} check, Netty's
 * {@link HAProxyMessageDecoder}, and a {@link Header} catcher; each leaves the pipeline when its part is done. The
 * check decides from the first bytes (at most twelve) whether a header comes: in required mode a connection that
 * cannot be one is closed at once, instead of waiting for the timeout; in optional mode it is echoed as it is. A
 * header it holds until it is complete, and lets through only if a v1 line's fields are valid ({@link ProxyV1Line}:
 * a rejection then says what was wrong in our words) or a v2 header's lengths add up ({@link ProxyV2Layout}). The
 * decoder does the parsing, TLVs included. Whatever goes wrong before the header is done ends here, counted by
 * reason: nothing reaches Vert.x, which would log each such connection as an error. Vert.x's own
 * {@code setUseProxyProtocol} would do the parsing too, but drops the TLVs, reports a bad header only to the server's
 * exception handler (it could be neither counted nor logged per reason here) and has no optional mode.
 * <p>
 * A rejected connection never becomes an echo connection: it is counted by reason, logged once per reason, and
 * closed without a byte echoed.
 */
public final class ProxyProtocolReader {

    private static final Logger LOG = Logger.getLogger(ProxyProtocolReader.class);
    /**
     * Cloud TLVs take tens of bytes; the bound keeps what an unidentified connection can make the server hold
     * small (Netty's default allows 64 KiB per connection).
     */
    private static final int MAX_TLV_BYTES = 4096;
    /** The longest v2 header the decoder takes: the fixed part, UNIX addresses (the longest) and the TLVs. */
    private static final int MAX_V2_HEADER = ProxyV2Layout.FIXED_PART + 216 + MAX_TLV_BYTES;

    private final boolean optional;
    private final Duration timeout;
    private final EchoMetrics metrics;
    private final Consumer<ClientOrigin> start;
    private final Signature signature = new Signature();
    private final HAProxyMessageDecoder decoder = new HAProxyMessageDecoder(MAX_TLV_BYTES, true);
    private final Header header = new Header();
    /** Set as the first handler goes in. */
    private Channel channel;
    private ScheduledFuture<?> timer;
    private boolean done;

    private ProxyProtocolReader(boolean optional, Duration timeout, EchoMetrics metrics, Consumer<ClientOrigin> start) {
        this.optional = optional;
        this.timeout = timeout;
        this.metrics = metrics;
        this.start = start;
    }

    /**
     * Finds out who a just-accepted connection is from, as echo.proxy-protocol says: calls {@code start} on the
     * connection's event loop once the client is known (at once when the mode is off), or never if the
     * connection is rejected. Any listener of the service can use it; the echo's and the whoami's do.
     */
    public static void identify(NetSocket socket, EchoConfig config, EchoMetrics metrics, Consumer<ClientOrigin> start) {
        Channel channel = EchoChannels.allowHalfClosure(socket);
        if (config.proxyProtocol() == ProxyProtocolMode.OFF) {
            start.accept(ClientOrigin.direct((InetSocketAddress) channel.remoteAddress()));
            return;
        }
        handlers(config.proxyProtocol(), config.proxyProtocolTimeout(), metrics, start)
                .forEach((stage, handler) -> stage.add(channel, handler));
    }

    /**
     * The handlers that read one connection's header, by their stage of the pipeline (in order), in front of the
     * handler that reads for {@code start}'s echo. The timeout runs from when the first of them goes in.
     *
     * @param mode required or optional (when it is off, no header is read)
     */
    static Map<ConnectionPipeline, ChannelHandler> handlers(ProxyProtocolMode mode, Duration timeout, EchoMetrics metrics,
            Consumer<ClientOrigin> start) {
        if (mode == ProxyProtocolMode.OFF) {
            throw new IllegalArgumentException("no PROXY protocol header is read when echo.proxy-protocol is off");
        }
        ProxyProtocolReader reader = new ProxyProtocolReader(mode == ProxyProtocolMode.OPTIONAL, timeout, metrics, start);
        Map<ConnectionPipeline, ChannelHandler> handlers = new EnumMap<>(ConnectionPipeline.class);
        handlers.put(ConnectionPipeline.PROXY_SIGNATURE, reader.signature);
        handlers.put(ConnectionPipeline.PROXY_DECODER, reader.decoder);
        handlers.put(ConnectionPipeline.PROXY_HEADER, reader.header);
        return handlers;
    }

    private InetSocketAddress peer() {
        return (InetSocketAddress) channel.remoteAddress();
    }

    /** The first bytes are no header (optional mode): the echo gets them and everything after. */
    private void startWithoutHeader() {
        finish();
        channel.pipeline().remove(decoder);
        channel.pipeline().remove(header);
        start.accept(ClientOrigin.direct(peer()));
    }

    private void startWith(HAProxyMessage message) {
        finish();
        ProxyHeader parsed = ProxyHeader.of(message);
        metrics.proxyHeader(parsed.version());
        LOG.debugf("PROXY protocol v%d header from %s: %s", parsed.version(), ClientOrigin.format(peer()), parsed);
        start.accept(ClientOrigin.proxied(peer(), parsed));
    }

    private void reject(ProxyRejection rejection) {
        reject(rejection, null);
    }

    /** @param detail what exactly was wrong, for the log; null when the reason says it all */
    private void reject(ProxyRejection rejection, String detail) {
        if (done) {
            return;
        }
        finish();
        signature.drop();
        metrics.proxyRejected(rejection);
        String what = detail == null ? rejection.description() : rejection.description() + " (" + detail + ")";
        if (rejection.firstTime()) {
            LOG.warnf("Closed a connection from %s unechoed: %s (echo.proxy-protocol=%s). Further such connections are "
                    + "only counted, in echo_proxy_protocol_rejected_total{reason=\"%s\"}", ClientOrigin.format(peer()),
                    what, optional ? "optional" : "required", rejection.tag());
        } else {
            LOG.debugf("Closed a connection from %s unechoed: %s", ClientOrigin.format(peer()), what);
        }
        channel.pipeline().firstContext().close();
    }

    private void finish() {
        done = true;
        timer.cancel(false);
    }

    private void timedOut() {
        if (!done && optional && signature.undecided()) {
            // Data that merely began like a signature (an echo client sending "PRO"): it was data after all.
            signature.passOn(true);
        } else {
            reject(ProxyRejection.TIMEOUT);
        }
    }

    /**
     * Decides from the first bytes whether a header comes, and holds them until then: at most a signature's length,
     * or for v2 the whole header, whose lengths it checks before the decoder parses it. Being a
     * {@link ByteToMessageDecoder}, it hands what it held on as it leaves: to the decoder, or to the echo when no header
     * comes.
     */
    private final class Signature extends ByteToMessageDecoder {
        private static final byte[] V1 = { 'P', 'R', 'O', 'X', 'Y', ' ' };
        private static final byte[] V2 = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            timer = ctx.executor().schedule(ProxyProtocolReader.this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Drops what it holds, which it would otherwise hand on as it leaves: nothing of a rejected connection is echoed. */
        void drop() {
            ByteBuf held = internalBuffer();
            held.skipBytes(held.readableBytes());
        }

        /** Whether the first bytes may yet turn out to be data: in the pipeline, and not all of the v1 signature. */
        boolean undecided() {
            return channel.pipeline().context(this) != null && !v1Begun(internalBuffer());
        }

        /** All of the v1 signature arrived: a header comes, even while its line is not complete. */
        private static boolean v1Begun(ByteBuf seen) {
            return seen.readableBytes() >= V1.length && startsLike(seen, V1);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf seen, List<Object> out) {
            if (done) {
                seen.skipBytes(seen.readableBytes()); // rejected: dropped until the close is through
                return;
            }
            boolean v1 = startsLike(seen, V1);
            boolean v2 = startsLike(seen, V2);
            if (!v1 && !v2) {
                if (optional) {
                    passOn(true);
                } else {
                    reject(ProxyRejection.MISSING);
                }
            } else if (v1 && seen.readableBytes() >= V1.length) {
                checkV1(seen);
            } else if (v2 && seen.readableBytes() >= ProxyV2Layout.FIXED_PART) {
                checkV2(seen);
            }
        }

        private void checkV1(ByteBuf seen) {
            int length = ProxyV1Line.length(seen);
            if (length >= 0) {
                String problem = ProxyV1Line.problem(seen, length);
                if (problem == null) {
                    passOn(false);
                } else {
                    reject(ProxyRejection.INVALID, problem);
                }
            }
        }

        private void checkV2(ByteBuf seen) {
            int length = ProxyV2Layout.length(seen);
            if (length > MAX_V2_HEADER) {
                reject(ProxyRejection.INVALID, "a v2 header of %d bytes, more than the %d allowed".formatted(length, MAX_V2_HEADER));
            } else if (seen.readableBytes() >= length) {
                String problem = ProxyV2Layout.problem(seen);
                if (problem == null) {
                    passOn(false);
                } else {
                    reject(ProxyRejection.INVALID, problem);
                }
            }
        }

        /** Whether {@code seen} is a prefix of {@code signature}, or begins with all of it. */
        private static boolean startsLike(ByteBuf seen, byte[] signature) {
            int n = Math.min(seen.readableBytes(), signature.length);
            for (int i = 0; i < n; i++) {
                if (seen.getByte(seen.readerIndex() + i) != signature[i]) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Leaves the pipeline, handing what it held to the decoder, or to the echo when no header comes. The echo starts
         * first, so that what it adds to the pipeline gets those bytes too.
         */
        void passOn(boolean noHeader) {
            if (noHeader) {
                startWithoutHeader();
            }
            channel.pipeline().remove(this);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent && !done) {
                ended();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done) {
                ended();
            }
            ctx.fireChannelInactive();
        }

        /**
         * The peer ended before the first bytes decided: too short for a header, so data in optional mode; or before
         * the v1 line that a complete signature began was complete.
         */
        private void ended() {
            if (optional && !v1Begun(internalBuffer())) {
                passOn(true);
            } else {
                reject(ProxyRejection.INCOMPLETE);
            }
        }
    }

    /** Takes the decoder's header (or its failure) out of the pipeline before Vert.x could see it. */
    private final class Header extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(message);
                return;
            }
            try {
                ctx.pipeline().remove(this);
                if (!done) {
                    startWith(header);
                }
            } finally {
                header.release();
            }
        }

        /** Before the header is done, a failure is the header's: the decoder's refusal, or the peer's reset. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                reject(ProxyRejection.INCOMPLETE, cause.getMessage());
            } else {
                Throwable reported = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
                reject(ProxyRejection.INVALID, reported.getMessage());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                reject(ProxyRejection.INCOMPLETE);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            reject(ProxyRejection.INCOMPLETE);
            ctx.fireChannelInactive();
        }
    }
}
