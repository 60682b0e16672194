package io.tcpecho.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * {@code echo.proxy-protocol=optional} ({@code OptionalProxyProtocolTest}), and an idle timeout of 600 ms
 * ({@code IdleTimeoutTest}): one application start for both, as each Quarkus test profile costs the suite one. No
 * connection here stays quiet once its echo started, but those the idle timeout is for; a silent one starts its echo
 * once echo.proxy-protocol-timeout has passed, and its idle timeout then.
 */
public class OptionalProxyProtocolProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("echo.proxy-protocol", "optional", "echo.proxy-protocol-timeout", "1s", "echo.idle-timeout", "600ms");
    }
}
