package io.tcpecho.fault;

import io.netty.buffer.ByteBuf;
import io.tcpecho.fault.Expectation.Ending;

/**
 * corrupt-every: flips the lowest bit of every N-th echoed byte (offsets N-1, 2N-1, ...), so that a client can tell
 * exactly where; counted as bit flips.
 */
public final class Corrupt implements Fault {

    public static final FaultKey<Long> CORRUPT_EVERY = FaultKey.size("corrupt-every", 1, 1L << 40);
    static final FaultType TYPE = FaultType.of("corrupt", CORRUPT_EVERY, Corrupt::new).counting("bit_flip")
            .expecting(CORRUPT_EVERY, every -> Expectation.ending("first corruption at byte " + (every - 1),
                    (ending, atByte, afterMillis) -> ending == Ending.CORRUPTED && atByte == every - 1));

    private final long every;

    Corrupt(long every) {
        this.every = every;
    }

    @Override
    public int outgoing(ConnectionFaults connection, ByteBuf data, long offset) {
        int bytes = data.readableBytes();
        // The first offset at or after this chunk's start that is N-1 modulo N.
        long next = offset + Math.floorMod(every - 1 - offset, every);
        int flipped = 0;
        for (long at = next; at < offset + bytes; at += every) {
            int index = data.readerIndex() + (int) (at - offset);
            data.setByte(index, data.getByte(index) ^ 1);
            flipped++;
        }
        if (flipped > 0) {
            connection.count("bit_flip", flipped);
        }
        return bytes;
    }
}
