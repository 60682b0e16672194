package io.tcpecho.load;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The bytes the client sends: one pseudo-random block of a prime length, generated once from the seed and
 * shared read-only by all connections. Connection {@code i} sends the block's bytes starting at its own
 * offset and wrapping around, so its stream is deterministic, differs from the other connections' streams,
 * and both sending and verifying need no per-connection memory beyond two counters: byte {@code p} of the
 * stream is {@code block[(offset + p) mod PERIOD]}.
 * <p>
 * The period is a prime a little under 1 MiB, so it lines up with no buffer or chunk size a server might
 * use; a server that dropped or repeated exactly a multiple of it would go unnoticed, nothing else would.
 */
final class PayloadPattern {

    static final int PERIOD = 1_048_573;
    /** The longest slice handed out at once; the block is extended by this much so slices never wrap. */
    static final int MAX_SLICE = 64 * 1024;

    private final long seed;
    private final ByteBuf raw;
    private final ByteBuf shared;
    private final ByteBuffer rawNio;

    PayloadPattern(long seed) {
        this.seed = seed;
        byte[] block = new byte[PERIOD + MAX_SLICE];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < PERIOD; i += 8) {
            long bits = random.nextLong();
            for (int j = 0; j < 8 && i + j < PERIOD; j++) {
                block[i + j] = (byte) (bits >>> (8 * j));
            }
        }
        System.arraycopy(block, 0, block, PERIOD, MAX_SLICE);
        raw = Unpooled.directBuffer(block.length).writeBytes(block);
        // Writes of slices are released by Netty once sent: the shared block must survive them all.
        shared = Unpooled.unreleasableBuffer(raw);
        rawNio = raw.nioBuffer(0, block.length);
    }

    /** The offset in the block where connection {@code id}'s stream starts. */
    long startOf(long id) {
        long z = seed * 0x9E3779B97F4A7C15L + id * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return Math.floorMod(z ^ (z >>> 29), PERIOD);
    }

    /** Stream bytes {@code [position, position + length)}, {@code length <= MAX_SLICE}, ready to write. */
    ByteBuf slice(long position, int length) {
        return shared.slice((int) (position % PERIOD), length);
    }

    /**
     * Compares the readable bytes of {@code in} with the stream from {@code position}.
     *
     * @return -1 if they match, else the index (relative to the reader index) of the first differing byte
     */
    int mismatch(ByteBuf in, long position) {
        int start = in.readerIndex();
        int length = in.readableBytes();
        boolean single = in.nioBufferCount() == 1;
        int done = 0;
        while (done < length) {
            int n = Math.min(MAX_SLICE, length - done);
            int offset = (int) ((position + done) % PERIOD);
            if (single) {
                // ByteBuffer.mismatch is vectorized by the JIT, on direct memory too, and copies nothing.
                int at = in.nioBuffer(start + done, n).mismatch(rawNio.slice(offset, n));
                if (at >= 0) {
                    return done + at;
                }
            } else if (!ByteBufUtil.equals(in, start + done, raw, offset, n)) {
                for (int i = 0; i < n; i++) {
                    if (in.getByte(start + done + i) != raw.getByte(offset + i)) {
                        return done + i;
                    }
                }
            }
            done += n;
        }
        return -1;
    }

    /** Byte {@code position} of a stream. */
    byte expected(long position) {
        return raw.getByte((int) (position % PERIOD));
    }
}
