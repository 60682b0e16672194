package io.tcpecho.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A blocking echo client for tests: real sockets on loopback. Sending runs on its own thread so that
 * a payload larger than the socket buffers cannot deadlock against the reader.
 */
public final class EchoClient implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private final Socket socket;
    /** The TCP socket: {@link #socket} itself, or the one TLS runs over. */
    private final Socket underlying;

    private EchoClient(Socket socket) {
        this(socket, socket);
    }

    private EchoClient(Socket socket, Socket underlying) {
        this.socket = socket;
        this.underlying = underlying;
    }

    public static EchoClient connect(int port) throws IOException {
        return connect(port, socket -> {
        });
    }

    /** Connects after {@code setUp} configured the socket (local address, buffer sizes). */
    public static EchoClient connect(int port, SocketSetUp setUp) throws IOException {
        Socket socket = new Socket();
        setUp.accept(socket);
        socket.connect(new InetSocketAddress(HOST, port), 5_000);
        socket.setSoTimeout(60_000);
        return new EchoClient(socket);
    }

    /**
     * Connects over TLS with {@code context}, asking for {@code serverName} by SNI if not null, and completes the
     * handshake.
     */
    public static EchoClient connectTls(int port, SSLContext context, String serverName) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(HOST, port), 5_000);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, HOST, port, true);
        if (serverName != null) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
        }
        socket.setSoTimeout(60_000);
        socket.startHandshake();
        return new EchoClient(socket, plain);
    }

    /** Configures a socket before it connects. */
    @FunctionalInterface
    public interface SocketSetUp {
        void accept(Socket socket) throws IOException;
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    public Socket socket() {
        return socket;
    }

    public Socket underlyingSocket() {
        return underlying;
    }

    public void write(byte[] data) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(data);
        out.flush();
    }

    /** Sends {@code data} in the background, then half-closes (FIN), as {@code nc -N} does. */
    public CompletableFuture<Void> sendThenHalfClose(byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int offset = 0; offset < data.length; offset += 256 * 1024) {
                    out.write(data, offset, Math.min(256 * 1024, data.length - offset));
                }
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> new Thread(runnable, "echo-test-sender").start());
    }

    /** Reads exactly {@code length} bytes. */
    public byte[] read(int length) throws IOException {
        return socket.getInputStream().readNBytes(length);
    }

    /**
     * Reads until the server's FIN, pausing {@code pause} after each chunk of {@code chunk} bytes to play a
     * slow reader. An abortive close (RST) surfaces as an exception, never as a short read.
     */
    public byte[] readToEnd(int chunk, Duration pause) throws IOException, InterruptedException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        int n;
        while ((n = in.read(buffer)) != -1) {
            received.write(buffer, 0, n);
            if (!pause.isZero()) {
                Thread.sleep(pause.toMillis()); // the slow reader's pace: time passing is the behaviour
            }
        }
        return received.toByteArray();
    }

    public byte[] readToEnd() throws IOException, InterruptedException {
        return readToEnd(64 * 1024, Duration.ZERO);
    }

    /** Closes with SO_LINGER 0, which makes the kernel send RST instead of FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
