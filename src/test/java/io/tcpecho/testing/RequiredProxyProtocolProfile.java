package io.tcpecho.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * {@code echo.proxy-protocol=required} with no limit per client, for the PROXY header fuzzer, whose concurrent cases
 * may name the same client ({@code ProxyProtocolTest} limits each client to one connection, and has a profile of its
 * own); and every listener on the wildcard address, for {@code UdpReplyAddressTest}, whose UDP echo reads no PROXY
 * header: both address families on one socket, 127.0.0.0/8 arriving as IPv4-mapped, ::1 as IPv6; and the identity
 * listener, for {@code IdentityListenerTest}, whose connections come with headers as the echo port's do. One application
 * start for all three, as each Quarkus test profile costs the suite one.
 */
public class RequiredProxyProtocolProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // No fuzz case waits for the timeout (each ends with FIN), but the flood of silent clients.
        return Map.of("echo.proxy-protocol", "required", "echo.proxy-protocol-timeout", "1s", "echo.host", "::",
                "echo.identity.port", "0");
    }
}
