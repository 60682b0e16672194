// helm test for tcp-echo: connect, send a payload, half-close, and check that exactly the
// same bytes come back before the server closes. Run with a JDK 11+ source launcher:
//   java EchoCheck.java HOST PORT BYTES TIMEOUT_SECONDS
// Exit status 0 = passed, 1 = failed.
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;

public class EchoCheck {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        int timeoutMillis = Integer.parseInt(args[3]) * 1000;

        byte[] sent = new byte[size];
        new Random(System.nanoTime()).nextBytes(sent);

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            System.out.printf("connected to %s (%s), sending %d bytes%n", host, socket.getRemoteSocketAddress(), size);

            // Write from another thread, so that a large payload cannot dead-lock on full buffers.
            Throwable[] writeFailure = new Throwable[1];
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int off = 0; off < size; off += 8192) {
                        out.write(sent, off, Math.min(8192, size - off));
                    }
                    out.flush();
                    socket.shutdownOutput(); // half-close: the server sees end of input
                } catch (Throwable t) {
                    writeFailure[0] = t;
                }
            });
            writer.start();

            ByteArrayOutputStream received = new ByteArrayOutputStream(size);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
            writer.join(timeoutMillis);
            if (writeFailure[0] != null) {
                fail("sending failed: " + writeFailure[0]);
            }
            byte[] got = received.toByteArray();
            if (got.length != sent.length) {
                fail("sent " + sent.length + " bytes but " + got.length + " came back before the server closed");
            }
            int mismatch = Arrays.mismatch(sent, got);
            if (mismatch >= 0) {
                fail("the echo differs from what was sent at byte " + mismatch);
            }
            System.out.printf("PASS: the same %d bytes came back and the server closed after the half-close%n", got.length);
        }
    }

    private static void fail(String message) {
        System.out.println("FAIL: " + message);
        System.exit(1);
    }
}
