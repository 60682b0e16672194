package io.tcpecho.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * {@code echo.proxy-protocol=optional} ({@code OptionalProxyProtocolTest}), and a 1 MiB memory budget with a server send
 * buffer too small to hide echo in the kernel ({@code MemoryBudgetEndToEndTest}): one application start for both, as
 * each Quarkus test profile costs the suite one. They do not meet: the budget's clients send at once, so that no header
 * is waited for, and what the PROXY protocol tests send is too little to press on the budget.
 */
public class OptionalProxyProtocolProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("echo.proxy-protocol", "optional", "echo.proxy-protocol-timeout", "1s",
                "echo.memory-budget", "1M", "echo.max-connections", "200", "echo.tcp.send-buffer-size", "4096");
    }
}
