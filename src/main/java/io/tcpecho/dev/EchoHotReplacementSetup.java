package io.tcpecho.dev;

import io.quarkus.dev.spi.HotReplacementContext;
import io.quarkus.dev.spi.HotReplacementSetup;

/**
 * Dev mode only: Quarkus hands this its live-reload context at start, through {@code META-INF/services}.
 * Quarkus scans for changes when an HTTP request arrives; the echo port carries none, so
 * {@link DevModeReloader} uses this context to scan when a new TCP connection arrives instead.
 */
public class EchoHotReplacementSetup implements HotReplacementSetup {

    static volatile HotReplacementContext context;

    @Override
    public void setupHotDeployment(HotReplacementContext hotReplacementContext) {
        context = hotReplacementContext;
    }

    @Override
    public void close() {
        context = null;
    }
}
