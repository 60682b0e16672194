package io.tcpecho.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * A blocking echo server for the client's tests, one thread per connection, that misbehaves in one chosen way
 * (or not at all).
 */
final class BrokenEchoServer implements AutoCloseable {

    enum Fault {
        /** A correct echo: copies everything, then on EOF sends FIN. */
        NONE,
        /** On the client's EOF, drops what it has not echoed yet (the last read) and closes. */
        DROP_TAIL_AFTER_HALF_CLOSE,
        /** Flips one bit of stream byte 1000. */
        CORRUPT_BYTE,
        /** Resets the connection after echoing 10,000 bytes. */
        RESET,
        /** Echoes everything but never sends FIN after the client's half-close. */
        NO_EOF,
        /** Echoes one byte more than it received. */
        EXTRA_BYTE,
        /** Closes every connection as soon as it is accepted. */
        CLOSE_AT_ONCE,
        /** Echoes 10,000 bytes, then sends FIN at once (reading on until the client's). */
        FIN_AFTER_10_000_BYTES
    }

    private final ServerSocket server;
    private volatile Fault fault;
    /** A line the server sends first on each connection, before the echo; null for none. */
    private final String greeting;
    private final Thread acceptor;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The first {@value #OPENING} bytes of each connection's stream, in hex, as connections reach them. */
    private final ConcurrentLinkedQueue<String> openings = new ConcurrentLinkedQueue<>();
    static final int OPENING = 16;

    BrokenEchoServer(Fault fault) throws IOException {
        this(fault, null);
    }

    /** A server that sends {@code greeting} and a line end first on each connection, as the identity listener does. */
    BrokenEchoServer(Fault fault, String greeting) throws IOException {
        this(fault, greeting, 200);
        startAccepting();
    }

    private BrokenEchoServer(Fault fault, String greeting, int backlog) throws IOException {
        this.fault = fault;
        this.greeting = greeting;
        this.server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "broken-echo-" + fault);
        acceptor.setDaemon(true);
    }

    /**
     * A correct echo, {@code greeting} first, that listens with a backlog of one and accepts nothing until
     * {@link #startAccepting()}: till then Linux queues two connections and drops the SYN of any other, which the client
     * retransmits.
     */
    static BrokenEchoServer holdingAccepts(String greeting) throws IOException {
        return new BrokenEchoServer(Fault.NONE, greeting, 1);
    }

    void startAccepting() {
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** From the next connection on, misbehaves in this way instead. */
    void misbehave(Fault next) {
        this.fault = next;
    }

    String target() {
        return "127.0.0.1:" + port();
    }

    /**
     * The first {@value #OPENING} bytes of each connection that sent that many, in hex: which of the client's streams
     * the server saw (a stream is told by its start).
     */
    List<String> openings() {
        return List.copyOf(openings);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> serve(socket), "broken-echo-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            if (fault == Fault.CLOSE_AT_ONCE) {
                return;
            }
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (greeting != null) {
                out.write((greeting + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            byte[] buffer = new byte[8192];
            byte[] held = null;
            long position = 0;
            int n;
            byte[] opening = new byte[OPENING];
            while ((n = in.read(buffer)) >= 0) {
                byte[] chunk = java.util.Arrays.copyOf(buffer, n);
                if (position < OPENING) {
                    int taken = (int) Math.min(n, OPENING - position);
                    System.arraycopy(chunk, 0, opening, (int) position, taken);
                    if (position + taken == OPENING) {
                        openings.add(HexFormat.of().formatHex(opening));
                    }
                }
                if (fault == Fault.CORRUPT_BYTE && position <= 1000 && 1000 < position + n) {
                    chunk[(int) (1000 - position)] ^= 0x10;
                }
                if (fault == Fault.RESET && position + n > 10_000) {
                    socket.setSoLinger(true, 0);
                    return; // closing with linger 0 sends RST
                }
                position += n;
                if (fault == Fault.DROP_TAIL_AFTER_HALF_CLOSE) {
                    if (held != null) {
                        out.write(held);
                    }
                    held = chunk;
                } else {
                    out.write(chunk);
                }
                if (fault == Fault.EXTRA_BYTE && position > 5000) {
                    out.write(0);
                }
                if (fault == Fault.FIN_AFTER_10_000_BYTES && position == 10_000) {
                    socket.shutdownOutput();
                }
            }
            if (fault == Fault.NO_EOF) {
                closed.await(); // no FIN while the server lives
            }
            socket.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            // the client went away; nothing to report here
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
    }
}
