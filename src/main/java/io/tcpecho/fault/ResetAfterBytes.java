package io.tcpecho.fault;

import io.netty.buffer.ByteBuf;
import io.tcpecho.fault.Expectation.Ending;

/**
 * reset-after-bytes: echo this many bytes, then reset (RST), once the client has them: the kernel discards what it
 * has not sent when it resets, so the reset waits for the client's acknowledgement and the offset is exact.
 */
public final class ResetAfterBytes implements Fault {

    public static final FaultKey<Long> RESET_AFTER_BYTES = FaultKey.size("reset-after-bytes", 0, 1L << 40);
    static final FaultType TYPE = FaultType.of("reset", RESET_AFTER_BYTES, ResetAfterBytes::new).counting("reset")
            .expecting(RESET_AFTER_BYTES, bytes -> Expectation.ending("reset at byte " + bytes,
                    (ending, atByte, afterMillis) -> ending == Ending.RESET && atByte == bytes));

    private final ByteLimit limit;

    ResetAfterBytes(long limit) {
        this.limit = new ByteLimit(limit);
    }

    @Override
    public boolean started(ConnectionFaults connection) {
        resetAt(connection, 0);
        return true;
    }

    @Override
    public int outgoing(ConnectionFaults connection, ByteBuf data, long offset) {
        int keep = limit.within(offset, data.readableBytes());
        resetAt(connection, offset + keep);
        return keep;
    }

    private void resetAt(ConnectionFaults connection, long echoed) {
        if (limit.reachedAt(echoed)) {
            connection.count("reset");
            connection.target().resetAfterOutput();
        }
    }
}
