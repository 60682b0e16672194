package io.tcpecho.echo;

import java.util.Locale;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

/**
 * The stages of an echo connection's pipeline, declared once, in their order from the socket to the echo. A stage
 * joins the pipeline when the connection reaches it (the PROXY header is read before anyone knows whether a fault
 * line follows; the faults' delay stage exists only once faults are chosen) and the stages that only read a
 * connection's first bytes leave it when done, so {@link #add} puts each where this order says, whichever are there.
 * <p>
 * TLS is not one of them: Vert.x puts its own handler at the pipeline's head when it accepts a TLS connection, below
 * all of these, which therefore see plain bytes. The PROXY protocol and TLS never meet on one listener (start-up
 * refuses the pair). Vert.x's own handler stays behind the echo and only hears that the connection closed.
 */
public enum ConnectionPipeline {
    /** Dev mode's live reload: keeps what arrives while the application restarts ({@link HeldConnection}). */
    HELD,
    /** The PROXY protocol header (echo.proxy-protocol): who the client is, before any byte is echoed. */
    PROXY_SIGNATURE,
    PROXY_DECODER,
    PROXY_HEADER,
    /** The fault command port's first line, which selects the connection's faults. */
    FAULT_SELECTION,
    /** echo.idle-timeout: sees every read and every completed write, the faults' delayed ones included. */
    IDLE_TIMEOUT,
    /** The timing faults (latency, bandwidth, slicer): hold the echo on its way out. */
    FAULT_DELAY,
    /** The echo itself, or the answer to a refused fault selection. */
    ECHO;

    /** In order; {@code values()} would copy the array for every connection. */
    private static final ConnectionPipeline[] STAGES = values();

    private final String handlerName = "echo-" + name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The handler's name in the pipeline. */
    public String handlerName() {
        return handlerName;
    }

    /** Adds {@code handler} as this stage: after the earlier stages present, before the later ones and Vert.x's. */
    public void add(Channel channel, ChannelHandler handler) {
        ChannelPipeline pipeline = channel.pipeline();
        for (int later = ordinal() + 1; later < STAGES.length; later++) {
            if (pipeline.get(STAGES[later].handlerName) != null) {
                pipeline.addBefore(STAGES[later].handlerName, handlerName, handler);
                return;
            }
        }
        EchoChannels.addBeforeVertx(channel, handlerName, handler);
    }
}
