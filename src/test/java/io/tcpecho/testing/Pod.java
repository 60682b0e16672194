package io.tcpecho.testing;

/** A pod of a drill: its name (POD_NAME, which its identity line says) and the packaged server it runs. */
public record Pod(String name, ServerProcess server) {
}
