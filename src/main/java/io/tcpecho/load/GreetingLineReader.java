package io.tcpecho.load;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ByteProcessor;

/**
 * Takes the first line a server sends, before its echo (the identity listener's whoami JSON), out of the stream: the
 * {@link Connection} behind it gets the line as a {@link GreetingLine} event, then every byte after it as the echo. It
 * leaves the pipeline with the line, so that the echo's bytes pass no handler of its own.
 */
final class GreetingLineReader extends ByteToMessageDecoder {

    /** Longer than any whoami answer: a server that sends more without a line end is not speaking first. */
    static final int MAX_LINE = 64 * 1024;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = in.forEachByte(ByteProcessor.FIND_LF);
        if (end < 0) {
            if (in.readableBytes() > MAX_LINE) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("no line end in the server's first " + MAX_LINE + " bytes");
            }
            return;
        }
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8).strip();
        in.readerIndex(end + 1);
        // The event goes first: the decoder hands what follows the line on as it leaves, after decode returns.
        ctx.fireUserEventTriggered(new GreetingLine(line));
        ctx.pipeline().remove(this);
    }
}
