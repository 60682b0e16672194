package io.tcpecho.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.load.Observed.Kind;

/**
 * One connection's stream of the {@link PayloadPattern} and its echo: the bytes it sends next, and whether the bytes
 * that come back are the next bytes of what it sent. It counts both; it knows nothing of the channel.
 */
final class EchoStream {

    private static final ByteBuf ERROR_LINE = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer(FaultRefusals.ERROR_LINE_PREFIX, StandardCharsets.US_ASCII).asReadOnly());

    /** What is wrong with bytes that came back: the kind, at which byte of the echo, and the words of the report. */
    record Deviation(Kind kind, long atByte, String detail) {
    }

    private final PayloadPattern pattern;
    private final long start;
    private long sent;
    private long received;

    EchoStream(PayloadPattern pattern, long id) {
        this.pattern = pattern;
        this.start = pattern.startOf(id);
    }

    long sent() {
        return sent;
    }

    /** The echoed bytes verified so far. */
    long received() {
        return received;
    }

    /** The next {@code length} bytes to send, {@code length <= PayloadPattern.MAX_SLICE}, counted as sent. */
    ByteBuf next(int length) {
        ByteBuf slice = pattern.slice(start + sent, length);
        sent += length;
        return slice;
    }

    /**
     * Verifies the readable bytes of {@code in} (without reading them) as the next bytes of the echo, and counts them
     * if they are.
     *
     * @return null if they are, else what is wrong with them
     */
    Deviation verify(ByteBuf in) {
        String refusal = received == 0 ? selectionRefusal(in) : null;
        if (refusal != null) {
            return new Deviation(Kind.SELECTION_REFUSED, 0, refusal);
        }
        int n = in.readableBytes();
        if (received + n > sent) {
            return new Deviation(Kind.TOO_MUCH, received, String.valueOf(received + n - sent));
        }
        int bad = pattern.mismatch(in, start + received);
        if (bad >= 0) {
            long at = received + bad;
            return new Deviation(Kind.CORRUPTED, at, String.format("expected 0x%02x, got 0x%02x",
                    pattern.expected(start + at) & 0xff, in.getByte(in.readerIndex() + bad) & 0xff));
        }
        received += n;
        return null;
    }

    /**
     * The server's {@code FAULT ERROR <reason>: <what>} line, without its line end, if {@code in} begins with one; else
     * null. The server writes the line at once, before any echo, so the first read holds its beginning; it is checked
     * before the pattern, as the line is no corrupted echo and may be longer than what the client has sent.
     */
    private static String selectionRefusal(ByteBuf in) {
        int from = in.readerIndex();
        int length = ERROR_LINE.readableBytes();
        if (in.readableBytes() < length || !ByteBufUtil.equals(in, from, ERROR_LINE, 0, length)) {
            return null;
        }
        int end = in.forEachByte(from, in.readableBytes(), ByteProcessor.FIND_CRLF);
        return in.toString(from, (end < 0 ? in.writerIndex() : end) - from, StandardCharsets.US_ASCII);
    }
}
