package io.tcpecho.load;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.tcpecho.load.LoadConverters.DurationConverter;
import io.tcpecho.load.LoadConverters.SizeConverter;
import io.tcpecho.load.LoadConverters.TargetConverter;
import io.tcpecho.load.LoadOptions.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code load udp}: datagrams at a steady rate to a UDP echo; every reply is checked byte for byte, and loss,
 * reordering, duplicates and round trips are reported ({@link UdpReport}). Each datagram carries its sequence
 * number and send time, then bytes derived from the sequence number. As shard I of N ({@code --shard}) it sends every
 * Nth datagram of the whole run ({@link UdpSchedule}), after the others are ready if there is a {@code --barrier}.
 */
@Command(name = "udp", mixinStandardHelpOptions = true,
        description = "Datagrams of SIZE bytes at RATE per second for a duration to a UDP echo: loss, reordering, round trips.")
final class UdpCommand implements Callable<Integer> {

    static final int HEADER = 16;
    static final int MAX_SIZE = 65_507;

    @Spec
    CommandSpec spec;

    @Option(names = { "-t", "--target" }, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7007",
            converter = TargetConverter.class, description = "UDP echo (default: ${DEFAULT-VALUE}).")
    InetSocketAddress target;

    @Option(names = { "-r", "--rate" }, paramLabel = "N", defaultValue = "100", description = "Datagrams per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = { "-m", "--message-size" }, paramLabel = "BYTES", defaultValue = "64", converter = SizeConverter.class,
            description = "Bytes per datagram, 16 to 65507 (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = { "-d", "--duration" }, paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to send (default: ${DEFAULT-VALUE}).")
    long durationNanos;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
            description = "How long to wait for late replies after the last datagram (default: ${DEFAULT-VALUE}).")
    long timeoutNanos;

    @Option(names = "--max-loss", paramLabel = "PERCENT", defaultValue = "100",
            description = "Fail when more than this share of datagrams got no reply (default: ${DEFAULT-VALUE}: never).")
    double maxLossPercent;

    @Mixin
    ShardOptions shardOptions;

    @Mixin
    Report output;

    @Override
    public Integer call() throws Exception {
        LoadOptions.positive(spec, "--rate", rate);
        LoadOptions.positive(spec, "--duration", durationNanos);
        LoadOptions.positive(spec, "--timeout", timeoutNanos);
        LoadOptions.within(spec, "--message-size", size, HEADER, MAX_SIZE);
        LoadOptions.within(spec, "--max-loss", maxLossPercent, 0, 100);
        double wanted = durationNanos / 1e9 * rate;
        if (wanted > Integer.MAX_VALUE) {
            throw new ParameterException(spec.commandLine(), "--rate times --duration must be at most 2^31 datagrams");
        }
        long count = Math.max(1, (long) wanted);
        Shard shard = shardOptions.resolve(spec);
        if (count < shard.count()) {
            throw new ParameterException(spec.commandLine(), "--rate times --duration is " + count + " datagrams, which "
                    + "cannot be split into " + shard.count() + " shards: each needs at least one");
        }
        UdpSchedule schedule = new UdpSchedule(shard, count, 1_000_000_000L / rate);
        UdpReport report = new UdpReport(LoadOptions.text(target), rate, (int) size, schedule, maxLossPercent,
                shardOptions.awaitStart(shard, spec));
        AtomicLong sendingEnded = new AtomicLong();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target);
            socket.setReceiveBufferSize(4 << 20);
            socket.setSoTimeout(100);
            Thread receiver = new Thread(() -> receive(socket, report, schedule, sendingEnded), "load-udp-receiver");
            receiver.start();
            try {
                send(socket, schedule, report);
            } finally {
                sendingEnded.set(System.nanoTime());
            }
            receiver.join();
            report.ended();
        }
        return output.print(spec, report.table(), report.json(), report.failure());
    }

    private void send(DatagramSocket socket, UdpSchedule schedule, UdpReport report) throws IOException {
        byte[] datagram = new byte[(int) size];
        ByteBuffer view = ByteBuffer.wrap(datagram);
        long start = report.started();
        for (long k = 0; k < schedule.datagrams(); k++) {
            long seq = schedule.seq(k);
            long wait = start + schedule.sendAt(seq) - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            fill(view, seq);
            view.putLong(8, System.nanoTime());
            socket.send(new DatagramPacket(datagram, datagram.length));
            report.sent(seq);
        }
    }

    /** The datagram of sequence number {@code seq}, except its send time (bytes 8 to 15). */
    static void fill(ByteBuffer datagram, long seq) {
        datagram.putLong(0, seq);
        for (int i = HEADER; i < datagram.capacity(); i++) {
            datagram.put(i, (byte) (seq * 31 + i));
        }
    }

    /** Takes replies until each datagram got one, or the timeout has passed since the last was sent. */
    private void receive(DatagramSocket socket, UdpReport report, UdpSchedule schedule, AtomicLong sendingEnded) {
        byte[] buffer = new byte[MAX_SIZE + 1];
        ByteBuffer expected = ByteBuffer.allocate((int) size);
        BitSet seen = new BitSet();
        long unique = 0;
        while (unique < schedule.datagrams()) {
            long ended = sendingEnded.get();
            if (ended != 0 && System.nanoTime() - ended > timeoutNanos) {
                return;
            }
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException quiet) {
                continue;
            } catch (IOException e) {
                report.corrupted("receiving failed: " + e);
                return;
            }
            long now = System.nanoTime();
            int n = packet.getLength();
            ByteBuffer reply = ByteBuffer.wrap(buffer, 0, n);
            if (n < HEADER) {
                report.corrupted("a reply of " + n + " bytes");
                continue;
            }
            long seq = reply.getLong(0);
            long sentAt = reply.getLong(8);
            if (!schedule.ours(seq) || n != size) {
                report.corrupted("a reply of " + n + " bytes with sequence number " + seq);
                continue;
            }
            fill(expected, seq);
            expected.putLong(8, sentAt);
            if (!reply.equals(expected.rewind())) {
                report.corrupted("the reply to datagram " + seq + " differs from what was sent");
            } else if (seen.get((int) seq)) {
                report.duplicated();
            } else {
                seen.set((int) seq);
                unique++;
                report.echoed(seq, now - sentAt);
            }
        }
    }
}
