package io.tcpecho.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which pod this is, from the Downward API variables the chart sets (POD_NAME, POD_NAMESPACE, NODE_NAME,
 * POD_IP). Outside Kubernetes the name falls back to the host name, and the rest stay empty.
 */
public record PodIdentity(String name, Optional<String> namespace, Optional<String> node, Optional<String> ip) {

    public static PodIdentity fromEnvironment() {
        return of(System.getenv());
    }

    static PodIdentity of(Map<String, String> env) {
        return new PodIdentity(value(env, "POD_NAME").or(() -> value(env, "HOSTNAME")).orElseGet(PodIdentity::hostName),
                value(env, "POD_NAMESPACE"), value(env, "NODE_NAME"), value(env, "POD_IP"));
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** Read from the file, not resolved: a lookup of the local host may wait on DNS. */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
