package io.tcpecho;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.QuarkusApplication;

/**
 * The training run behind the JVM's startup archive. Quarkus dumps the archive ({@code quarkus.package.jar.appcds})
 * by running the jar with {@code quarkus.appcds.generate=true} and {@code -XX:ArchiveClassesAtExit}, and on its own
 * stops that run when static initialisation ends: the archive then lacks every class of the start proper (the
 * configuration mappings, the beans, Vert.x, the management router, the echo's listeners) and of the first probe and
 * connection, which the JVM then parses and verifies at every start. Here the run goes on instead: the server starts
 * on free loopback ports, with the whoami and UDP listeners too (off by default, on in many deployments), answers
 * readiness, liveness and a metrics scrape, echoes a few connections and a datagram, answers a whoami, and exits, so
 * the archive holds what a start and its first minutes load (bench/NOTES.md, section 17).
 */
final class ArchiveTraining implements QuarkusApplication {

    private static final String LOOPBACK = "127.0.0.1";
    private static final String ECHO_PORT = "echo.port";
    private static final String MANAGEMENT_PORT = "quarkus.management.port";
    private static final String WHOAMI_PORT = "echo.whoami.port";
    private static final String UDP_PORT = "echo.udp.port";
    private static final int CONNECTIONS = 32;
    private static final int DATAGRAM_TRIES = 5;
    /** Every connect and read of the training: the archive's build must end, whatever the server does. */
    private static final int TIMEOUT_MILLIS = 10_000;

    /** Whether Quarkus started this JVM to dump the startup archive. */
    static boolean requested(Properties system) {
        return Boolean.parseBoolean(system.getProperty(ApplicationLifecycleManager.QUARKUS_APPCDS_GENERATE_PROP));
    }

    /**
     * Turns Quarkus' stop after static initialisation off and points the listeners at free loopback ports: the archive
     * is dumped during a build, on the build's machine or in the base image, where the default ports may be taken.
     * System properties outrank the environment and application.properties.
     */
    static void prepare(Properties system) {
        system.setProperty(ApplicationLifecycleManager.QUARKUS_APPCDS_GENERATE_PROP, "false");
        int[] tcp = freeTcpPorts(3);
        system.setProperty("echo.host", LOOPBACK);
        system.setProperty(ECHO_PORT, Integer.toString(tcp[0]));
        system.setProperty(WHOAMI_PORT, Integer.toString(tcp[1]));
        system.setProperty(UDP_PORT, Integer.toString(freeUdpPort()));
        system.setProperty("quarkus.management.host", LOOPBACK);
        system.setProperty(MANAGEMENT_PORT, Integer.toString(tcp[2]));
        // The exit is the end of the training, not a pod leaving its Service: no readiness grace to wait out.
        system.setProperty("quarkus.shutdown.delay-enabled", "false");
    }

    @Override
    public int run(String... args) throws IOException {
        int echoPort = Integer.parseInt(System.getProperty(ECHO_PORT));
        int managementPort = Integer.parseInt(System.getProperty(MANAGEMENT_PORT));
        for (String path : new String[] { "/q/health/ready", "/q/health/live", "/q/metrics" }) {
            String status = httpGet(managementPort, path);
            if (!status.contains(" 200 ")) {
                throw new IOException("startup archive training: GET " + path + " answered " + status);
            }
        }
        byte[] message = "startup archive training\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < CONNECTIONS; i++) {
            echo(echoPort, message);
        }
        whoami(Integer.parseInt(System.getProperty(WHOAMI_PORT)));
        datagram(Integer.parseInt(System.getProperty(UDP_PORT)), message);
        Logger.getLogger(ArchiveTraining.class).infof(
                "Startup archive training done: probes, a scrape, %d echoed connections, a whoami and a datagram", CONNECTIONS);
        return 0;
    }

    /** One connection: the message out, the same bytes back, then the client's FIN answered by the server's. */
    private static void echo(int port, byte[] message) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(message);
            socket.shutdownOutput();
            byte[] back = socket.getInputStream().readAllBytes();
            if (!Arrays.equals(back, message)) {
                throw new IOException("startup archive training: the echo returned " + back.length + " bytes, not the "
                        + message.length + " sent");
            }
        }
    }

    /** One whoami connection: a line of JSON, then the server's FIN. */
    private static void whoami(int port) throws IOException {
        try (Socket socket = connect(port)) {
            String line = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!line.startsWith("{")) {
                throw new IOException("startup archive training: whoami answered " + line);
            }
        }
    }

    /** One datagram echoed, sent again a few times: loopback may drop one under load. */
    private static void datagram(int port, byte[] message) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName(LOOPBACK))) {
            socket.setSoTimeout(TIMEOUT_MILLIS / DATAGRAM_TRIES);
            DatagramPacket reply = new DatagramPacket(new byte[message.length + 1], message.length + 1);
            for (int i = 0; i < DATAGRAM_TRIES; i++) {
                socket.send(new DatagramPacket(message, message.length, InetAddress.getByName(LOOPBACK), port));
                try {
                    socket.receive(reply);
                    if (Arrays.equals(Arrays.copyOf(reply.getData(), reply.getLength()), message)) {
                        return;
                    }
                } catch (SocketTimeoutException notYet) {
                    // sent again below
                }
            }
            throw new IOException("startup archive training: no echo of a datagram in " + DATAGRAM_TRIES + " tries");
        }
    }

    /** The status line of a GET over HTTP/1.1, read to the end (Connection: close). */
    private static String httpGet(int port, String path) throws IOException {
        try (Socket socket = connect(port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + LOOPBACK + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.lines().findFirst().orElse("no answer");
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(LOOPBACK, port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }

    private static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("startup archive training: no free loopback UDP port", e);
        }
    }

    /** That many distinct free loopback ports: all held at once, since a closed one's port may come back next. */
    private static int[] freeTcpPorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("startup archive training: no free loopback port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing was accepted on it: the port is free again either way
        }
    }
}
