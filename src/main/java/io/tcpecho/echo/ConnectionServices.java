package io.tcpecho.echo;

import java.util.Optional;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.tls.TlsListener;

/**
 * What every connection of the server shares: its settings, meters, registry, memory budget, access log, and the TLS
 * listener that counts what goes wrong in TLS.
 */
record ConnectionServices(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
        Optional<AccessLog> accessLog, TlsListener tls) {
}
