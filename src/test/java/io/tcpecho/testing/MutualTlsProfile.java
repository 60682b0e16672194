package io.tcpecho.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The TLS echo with client certificates required (echo.tls.client-auth), TLS 1.2 allowed beside 1.3 and a handshake
 * timeout of a second, on the JDK's TLS unless a subclass says otherwise: the mutual TLS and the hostile client tests
 * share it. And a 1 MiB memory budget for 200 connections with a server send buffer too small to hide echo in the
 * kernel, for {@code MemoryBudgetEndToEndTest}: as each Quarkus test profile costs the suite an application start, it
 * runs here, where the other tests send too little to press on the budget. (Not beside a PROXY protocol header: the
 * first bytes read to look for one are echoed even while the budget is overloaded.)
 */
public class MutualTlsProfile implements QuarkusTestProfile {

    /** The server's certificate, and the client certificate its trust store holds. */
    public static TestCertificates certificates() {
        return TestCertificates.generate("mtls", "localhost");
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(certificates().serverConfig());
        config.put("echo.tls.port", "0");
        config.put("echo.tls.client-auth", "required");
        config.put("echo.access-log", "true");
        config.put("echo.tls.engine", engine());
        config.put("quarkus.tls.echo.protocols", "TLSv1.3,TLSv1.2");
        config.put("quarkus.tls.echo.handshake-timeout", "1s");
        config.put("echo.memory-budget", "1M");
        config.put("echo.max-connections", "200");
        config.put("echo.tcp.send-buffer-size", "4096");
        return config;
    }

    protected String engine() {
        return "jdk";
    }
}
