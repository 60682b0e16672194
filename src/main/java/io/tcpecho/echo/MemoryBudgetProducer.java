package io.tcpecho.echo;

import java.util.OptionalLong;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.memory.MemoryBudget;

/** The server's one memory budget, from {@code echo.memory-budget} and the connection limits ({@link EchoConfig#mostConnections}). */
final class MemoryBudgetProducer {

    @Produces
    @Singleton
    MemoryBudget memoryBudget(EchoConfig config) {
        OptionalLong budget = config.memoryBudget().map(OptionalLong::of).orElse(OptionalLong.empty());
        return MemoryBudget.of(budget, EchoConfig.mostConnections(config));
    }

    void close(@Disposes MemoryBudget budget) {
        budget.close();
    }
}
