package io.tcpecho.fault;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;

/**
 * A piece of echo held by the {@link DelayStage}: bytes, the time before which they may not leave, and the write
 * promise of the chunk they are the last piece of (null for the pieces before it), with the buffer memory that chunk
 * pins, released when the promise completes.
 */
final class Piece {

    final ByteBuf data;
    long notBefore;
    ChannelPromise promise;
    int memory;

    Piece(ByteBuf data, long notBefore, ChannelPromise promise, int memory) {
        this.data = data;
        this.notBefore = notBefore;
        this.promise = promise;
        this.memory = memory;
    }

    /**
     * Cuts the first {@code bytes} off as a piece of their own, leaving the rest (and the chunk's promise) here; the
     * new piece leaves no earlier than this one.
     */
    Piece cutFront(int bytes) {
        return new Piece(data.readRetainedSlice(bytes), notBefore, null, 0);
    }

    int bytes() {
        return data.readableBytes();
    }
}
