package io.tcpecho.echo;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * Waits until the peer has acknowledged every byte sent, from the kernel's TCP_INFO: a reset discards what the kernel
 * has not sent yet, so a reset at an exact offset of the echo waits for this first. On the event loop, by a timer,
 * for at most {@link #MAX_WAIT_MILLIS} (a client that does not read never acknowledges); without epoll, not at all.
 * Then {@link #READ_GRACE_MILLIS} more: the peer's kernel acknowledges what its application has not read yet, and a
 * reset makes that kernel discard it too (a clean-clone run saw a client lose the whole 64 KiB of a reset-after-bytes
 * echo that way, the reset 2 ms after its connect).
 */
final class UnackedBytes {

    private static final long MAX_WAIT_MILLIS = 2_000;
    private static final long POLL_MILLIS = 1;
    private static final long READ_GRACE_MILLIS = 50;

    private UnackedBytes() {
    }

    static void whenAcknowledged(Channel channel, Runnable then) {
        poll(channel, then, MAX_WAIT_MILLIS / POLL_MILLIS);
    }

    private static void poll(Channel channel, Runnable then, long polls) {
        if (!channel.isActive()) {
            return;
        }
        if (polls == 0 || !(channel instanceof EpollSocketChannel epoll) || epoll.tcpInfo().unacked() == 0) {
            channel.eventLoop().schedule(then, READ_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        channel.eventLoop().schedule(() -> poll(channel, then, polls - 1), POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
}
