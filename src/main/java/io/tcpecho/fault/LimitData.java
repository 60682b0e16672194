package io.tcpecho.fault;

import io.netty.buffer.ByteBuf;
import io.tcpecho.fault.Expectation.Ending;

/** limit-data: echo this many bytes, then FIN; whatever the client sends after is read and dropped. */
public final class LimitData implements Fault {

    public static final FaultKey<Long> LIMIT_DATA = FaultKey.size("limit-data", 0, 1L << 40);
    static final FaultType TYPE = FaultType.of("truncate", LIMIT_DATA, LimitData::new).counting("truncate")
            .expecting(LIMIT_DATA, limit -> Expectation.ending("EOF at byte " + limit,
                    (ending, atByte, afterMillis) -> ending == Ending.EOF && atByte == limit));

    private final ByteLimit limit;

    LimitData(long limit) {
        this.limit = new ByteLimit(limit);
    }

    @Override
    public boolean started(ConnectionFaults connection) {
        endAt(connection, 0);
        return true;
    }

    @Override
    public int outgoing(ConnectionFaults connection, ByteBuf data, long offset) {
        int keep = limit.within(offset, data.readableBytes());
        endAt(connection, offset + keep);
        return keep;
    }

    private void endAt(ConnectionFaults connection, long echoed) {
        if (limit.reachedAt(echoed)) {
            connection.count("truncate");
            connection.target().finishOutput();
        }
    }
}
