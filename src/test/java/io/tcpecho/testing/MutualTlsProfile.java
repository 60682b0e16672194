package io.tcpecho.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The TLS echo with client certificates required (echo.tls.client-auth), on the JDK's TLS unless a subclass says otherwise. */
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
        return config;
    }

    protected String engine() {
        return "jdk";
    }
}
