package io.tcpecho.echo;

import java.util.Optional;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.fault.FaultMetrics;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.tls.TlsListener;

/**
 * What every connection of the server shares: its settings, meters, registry, memory budget, access log, the TLS
 * listener that counts what goes wrong in TLS, the faults' meters and refusals, and the event loops' progress.
 */
record ConnectionServices(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
        Optional<AccessLog> accessLog, TlsListener tls, FaultMetrics faultMetrics, FaultRefusals refusals,
        EventLoopProgress progress) {
}
