package io.tcpecho.memory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.MessageSizeEstimator;

/**
 * Sizes queued writes by the memory they pin, a buffer's capacity, rather than by the bytes they carry:
 * a 64 KiB read buffer that holds one byte still holds 64 KiB. A channel's write-queue bound then bounds its
 * memory, as the budget does.
 */
public final class BufferMemoryEstimator implements MessageSizeEstimator, MessageSizeEstimator.Handle {

    public static final BufferMemoryEstimator INSTANCE = new BufferMemoryEstimator();

    private BufferMemoryEstimator() {
    }

    @Override
    public Handle newHandle() {
        return this;
    }

    @Override
    public int size(Object message) {
        if (message instanceof ByteBuf buffer) {
            return buffer.capacity();
        }
        if (message instanceof ByteBufHolder holder) {
            return holder.content().capacity();
        }
        return 0;
    }
}
