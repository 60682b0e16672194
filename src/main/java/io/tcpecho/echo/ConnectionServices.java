package io.tcpecho.echo;

import java.util.Optional;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.memory.MemoryBudget;

/** What every connection of the server shares: its settings, meters, registry, memory budget and access log. */
record ConnectionServices(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
        Optional<AccessLog> accessLog) {
}
