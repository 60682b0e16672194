package io.tcpecho.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * The Vert.x instance's event loops, for those who count them (one echo verticle per loop by default), ping
 * them (liveness) or name their transport (the start-up line).
 * <p>
 * {@link Vertx#nettyEventLoopGroup()} is the one public way to reach them in Vert.x 4; it is deprecated because
 * Vert.x 5 moves it to {@code VertxInternal}, where this class alone would change.
 */
public final class EventLoops {

    private EventLoops() {
    }

    /** The event loops as Netty's group, for listeners that Vert.x cannot make (the UDP echo). */
    @SuppressWarnings("deprecation")
    public static EventLoopGroup group(Vertx vertx) {
        return vertx.nettyEventLoopGroup();
    }

    public static List<EventExecutor> of(Vertx vertx) {
        List<EventExecutor> loops = new ArrayList<>();
        group(vertx).forEach(loops::add);
        return loops;
    }

    /** {@code epoll}, {@code io_uring}, {@code kqueue} or {@code nio}: what the event loops' class is named for. */
    static String transport(Vertx vertx) {
        String loop = group(vertx).next().getClass().getSimpleName();
        String name = loop.endsWith("EventLoop") ? loop.substring(0, loop.length() - "EventLoop".length()) : loop;
        return name.equals("IOUring") ? "io_uring" : name.toLowerCase(Locale.ROOT);
    }
}
