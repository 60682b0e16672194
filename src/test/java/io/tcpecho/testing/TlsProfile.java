package io.tcpecho.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service with its TLS echo on a free port and the certificates of {@link #certificates()}, access log on, and the
 * faults a client can select (the command port, and by SNI): the TLS tests and the fault selection tests share it, as
 * each Quarkus test profile costs the suite an application build.
 */
public class TlsProfile implements QuarkusTestProfile {

    /** The certificates the server runs with: the same files in the test and in the application. */
    public static TestCertificates certificates() {
        return TestCertificates.generate("tls-echo", "localhost");
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(certificates().serverConfig());
        config.put("echo.tls.port", "0");
        config.put("echo.access-log", "true");
        config.put("echo.faults.command-port", "0");
        config.put("echo.faults.command-timeout", "1s");
        config.put("echo.tls.faults-by-sni", "true");
        return config;
    }
}
