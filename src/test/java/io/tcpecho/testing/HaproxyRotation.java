package io.tcpecho.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods of the packaged server on loopback behind HAProxy in TCP mode, round robin, each server health-checked on its
 * readiness endpoint ({@code /q/health/ready} on the management port, every 200 ms, out after three failures). HAProxy
 * names its servers in its configuration, so it has a slot for each pod a drill will start, each with its ports; a slot
 * is in maintenance until its pod is ready, as an endpoint exists only for a ready pod, and from then on the health
 * checks decide. The clients connect to {@link #port()}, with the pods' identity listeners behind it.
 */
public final class HaproxyRotation implements Rotation, AutoCloseable {

    private static final String BACKEND = "echo";
    private static final Duration START = Duration.ofSeconds(60);

    private record Slot(String server, int identityPort, int managementPort) {
    }

    private final List<Slot> slots;
    private final Map<String, Slot> slotOf = new HashMap<>();
    private final List<Pod> pods = new ArrayList<>();
    private final Haproxy haproxy;
    private final int port;

    private HaproxyRotation(List<Slot> slots, Haproxy haproxy, int port) {
        this.slots = slots;
        this.haproxy = haproxy;
        this.port = port;
    }

    /** HAProxy with {@code slots} servers, all in maintenance until their pods start. */
    public static HaproxyRotation start(String name, int slots) throws IOException {
        List<Slot> all = new ArrayList<>();
        StringBuilder servers = new StringBuilder();
        for (int i = 1; i <= slots; i++) {
            Slot slot = new Slot("srv" + i, ServerProcess.freePort(), ServerProcess.freePort());
            all.add(slot);
            servers.append(String.format("    server %s 127.0.0.1:%d check port %d disabled%n", slot.server(),
                    slot.identityPort(), slot.managementPort()));
        }
        int port = ServerProcess.freePort();
        Haproxy haproxy = Haproxy.start(name, """
                global
                    maxconn 256
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    timeout check 1s
                listen %s
                    bind 127.0.0.1:%d
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /q/health/ready
                    default-server inter 200ms fall 3 rise 1
                %s""".formatted(Haproxy.runtimeSocket(name), BACKEND, port, servers), port);
        return new HaproxyRotation(all, haproxy, port);
    }

    public int port() {
        return port;
    }

    /** The pod in the next free slot; its slot leaves maintenance once the pod is ready. */
    @Override
    public Pod start(String name) throws IOException {
        Slot slot = slots.get(slotOf.size());
        Map<String, String> env = new HashMap<>(RollingUpdate.GRACEFUL_SHUTDOWN);
        env.putAll(Map.of("POD_NAME", name, "ECHO_IDENTITY_PORT", String.valueOf(slot.identityPort()),
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(slot.managementPort())));
        Pod pod = new Pod(name,
                ServerProcess.startFromItsDirectory(Path.of(ServerProcess.PACKAGED_APP), List.of(), env));
        slotOf.put(name, slot);
        pods.add(pod);
        pod.server().awaitReady(START);
        runtime("set server " + server(pod) + " state ready");
        return pod;
    }

    @Override
    public void awaitIn(Pod pod) {
        awaitStatus(pod, "UP");
    }

    @Override
    public void awaitOut(Pod pod) {
        awaitStatus(pod, "DOWN");
    }

    /** Takes {@code pod}'s server to maintenance and shuts its sessions, as an operator does through the runtime API. */
    public void maintain(Pod pod) throws IOException {
        runtime("set server " + server(pod) + " state maint");
        runtime("shutdown sessions server " + server(pod));
    }

    /** The sessions {@code pod}'s server has now ({@code scur}). */
    public long sessions(Pod pod) {
        return Long.parseLong(stat(pod, "scur"));
    }

    /** The status of {@code pod}'s server in {@code show stat}: {@code UP}, {@code DOWN}, {@code MAINT}, ... */
    public String status(Pod pod) {
        return stat(pod, "status");
    }

    private void awaitStatus(Pod pod, String status) {
        await().atMost(START).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (status.equals("UP") && !pod.server().isAlive()) {
                throw new IllegalStateException(pod.name() + " exited:\n" + pod.server().output());
            }
            return status(pod).equals(status);
        });
    }

    /** A field of {@code pod}'s row in {@code show stat} (CSV, its first line naming the fields). */
    private String stat(Pod pod, String field) {
        String slot = slotOf.get(pod.name()).server();
        List<String> lines = runtime("show stat").lines().toList();
        int column = Arrays.asList(lines.get(0).replaceFirst("^# ", "").split(",")).indexOf(field);
        return lines.stream().map(line -> line.split(",", -1)).filter(row -> row[0].equals(BACKEND) && row[1].equals(slot))
                .findFirst().map(row -> row[column]).orElseThrow(() -> new IllegalStateException("no row for " + slot));
    }

    private String server(Pod pod) {
        return BACKEND + "/" + slotOf.get(pod.name()).server();
    }

    private String runtime(String command) {
        try {
            return haproxy.runtime(command);
        } catch (IOException e) {
            throw new UncheckedIOException(command, e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        haproxy.close();
        for (Pod pod : pods) {
            pod.server().close();
        }
    }
}
