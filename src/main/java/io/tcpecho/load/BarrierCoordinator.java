package io.tcpecho.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.tcpecho.config.Units;

/**
 * Index 0's side of the barrier: listens on the barrier port until every participant has checked in, then sends all of
 * them the same start instant, its own clock plus a lead, so that a go line that arrives a little later than another
 * still starts its shard at the same instant. One thread and one selector: a participant that connects and never
 * speaks holds nobody up.
 */
final class BarrierCoordinator {

    private final int shards;
    private final int port;
    private final Duration timeout;
    private final Duration lead;
    private final Consumer<String> log;

    BarrierCoordinator(int shards, int port, Duration timeout, Duration lead, Consumer<String> log) {
        this.shards = shards;
        this.port = port;
        this.timeout = timeout;
        this.lead = lead;
        this.log = log;
    }

    /** A participant's connection: the line it is sending, then the index it checked in with. */
    private static final class Arrival {
        final SocketChannel channel;
        final ByteBuffer line = ByteBuffer.allocate(BarrierLines.MAX_LENGTH + 1);
        int index = -1;

        Arrival(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * Waits for every participant, releases them all, then sleeps until the agreed start.
     *
     * @throws BarrierException when not all checked in within the timeout (each participant that did is told why)
     */
    BarrierStart await() throws BarrierException, IOException, InterruptedException {
        CheckIns checkIns = new CheckIns(shards);
        List<Arrival> checkedIn = new ArrayList<>();
        if (!checkIns.complete()) {
            try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server.bind(new InetSocketAddress(port), shards);
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
                log.accept("index 0: waiting on port " + port + " for " + (shards - 1) + " shards to check in");
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!checkIns.complete()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        String reason = "index 0 waited " + Units.formatDuration(timeout) + "; " + checkIns.missing();
                        answerAll(checkedIn, BarrierLines.abort(reason));
                        throw new BarrierException(reason);
                    }
                    selector.select(left);
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isAcceptable()) {
                            accept(server, selector);
                        } else if (key.isReadable()) {
                            read((Arrival) key.attachment(), checkIns, checkedIn);
                        }
                    }
                    selector.selectedKeys().clear();
                }
                refuseLateArrivals(selector);
            }
        }
        // Selector closed: the channels are deregistered and may block for their one short write.
        long start = System.currentTimeMillis() + lead.toMillis();
        answerAll(checkedIn, BarrierLines.go(start));
        return new BarrierStart(start, StartBarrier.sleepUntil(start));
    }

    /**
     * Connections accepted but not checked in when the last shard came: with every index in, each one is a second pod for
     * an index (or a restarted one) and would otherwise wait for an answer until its timeout.
     */
    private void refuseLateArrivals(Selector selector) {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Arrival arrival && arrival.index < 0) {
                answer(arrival, BarrierLines.refused("all " + shards + " shards have checked in"));
            }
        }
    }

    private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel channel = server.accept();
        if (channel != null) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new Arrival(channel));
        }
    }

    /** Reads a participant's check-in line; after it, only its end (a participant that gave up or restarted). */
    private void read(Arrival arrival, CheckIns checkIns, List<Arrival> checkedIn) throws IOException {
        int read;
        try {
            read = arrival.channel.read(arrival.line);
        } catch (IOException reset) {
            read = -1;
        }
        if (read < 0) {
            left(arrival, checkIns, checkedIn);
            return;
        }
        if (arrival.index >= 0) {
            // Nothing more is expected of it: what it sends is dropped.
            arrival.line.clear();
            return;
        }
        int newline = indexOfNewline(arrival.line);
        if (newline < 0 && arrival.line.hasRemaining()) {
            return;
        }
        String text = newline < 0 ? "" : new String(arrival.line.array(), 0, newline, StandardCharsets.US_ASCII);
        BarrierLines.CheckIn checkIn = BarrierLines.parseCheckIn(text);
        Optional<String> refusal = checkIn == null ? Optional.of("not a check-in (shard I/N)") : checkIns.admit(checkIn);
        if (refusal.isPresent()) {
            answer(arrival, BarrierLines.refused(refusal.get()));
            return;
        }
        arrival.index = checkIn.index();
        arrival.line.clear();
        checkedIn.add(arrival);
    }

    private void left(Arrival arrival, CheckIns checkIns, List<Arrival> checkedIn) throws IOException {
        if (arrival.index >= 0) {
            checkIns.leave(arrival.index);
            checkedIn.remove(arrival);
            log.accept("index 0: shard " + arrival.index + " left before the start; waiting for it again");
        }
        arrival.channel.close();
    }

    private static int indexOfNewline(ByteBuffer line) {
        for (int i = 0; i < line.position(); i++) {
            if (line.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static void answerAll(List<Arrival> arrivals, String line) {
        for (Arrival arrival : arrivals) {
            answer(arrival, line);
        }
    }

    /** One line, then close; a participant that is gone by now misses nothing it could still act on. */
    private static void answer(Arrival arrival, String line) {
        try (SocketChannel channel = arrival.channel) {
            ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
            if (!channel.isRegistered()) {
                // The selector is closed (the go line): a blocking write takes the whole line.
                channel.configureBlocking(true);
            }
            // Else a refusal or the abort: a few bytes into a send buffer nothing else was written to; one write takes them.
            channel.write(bytes);
        } catch (IOException gone) {
            // It closed first: when it was checked in, it ends on its own timeout with its own message.
        }
    }
}
