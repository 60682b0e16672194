package io.tcpecho.echo;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.memory.MemoryBudget;

/** What every connection of the server shares: its settings, meters, registry and memory budget. */
record ConnectionServices(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget) {
}
