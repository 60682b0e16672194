package io.tcpecho.memory;

import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The sizes one connection reads in: those of the channel's own allocator (adaptive, up to 64 KiB), but no
 * more than the memory budget allows it at the moment ({@link MemoryBudget#readSizeLimit(long)}), so that a
 * connection allowed one more read under pressure cannot take a large buffer with it.
 */
public final class BudgetedReadSizes implements RecvByteBufAllocator {

    private final RecvByteBufAllocator sizes;
    private final MemoryBudget budget;
    private final LongSupplier held;

    /** @param held what the connection holds now */
    public BudgetedReadSizes(RecvByteBufAllocator sizes, MemoryBudget budget, LongSupplier held) {
        this.sizes = sizes;
        this.budget = budget;
        this.held = held;
    }

    @Override
    public Handle newHandle() {
        return new CappedHandle((ExtendedHandle) sizes.newHandle());
    }

    private final class CappedHandle extends DelegatingHandle implements ExtendedHandle {

        CappedHandle(ExtendedHandle sizes) {
            super(sizes);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return Math.min(delegate().guess(), budget.readSizeLimit(held.getAsLong()));
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
