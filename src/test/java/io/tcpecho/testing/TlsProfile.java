package io.tcpecho.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service with its TLS echo on a free port and the certificates of {@link #certificates()}, read again every second
 * (so that a renewal is taken), access log on, and faults: those a client can select (the command port, and by SNI),
 * and a scenario of each fault on a port of its own. The TLS tests, the certificate rotation, the fault port and the
 * fault selection tests share it, as each Quarkus test profile costs the suite an application start.
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
        config.put("quarkus.tls.echo.reload-period", "1s");
        config.put("echo.access-log", "true");
        config.put("echo.faults.command-port", "0");
        config.put("echo.faults.command-timeout", "1s");
        config.put("echo.tls.faults-by-sni", "true");
        // A fixed send buffer, without the kernel's autotuning: what the kernel can take of an echo that a client does not
        // read is then known (FaultPortsTest's no-half-close), and the non-reading TLS client stalls the server sooner.
        config.put("echo.tcp.send-buffer-size", "65536");
        scenario(config, "latency", "latency", "200ms", "jitter", "20ms");
        scenario(config, "bandwidth", "bandwidth", "512KiB");
        scenario(config, "slicer", "slicer.average-size", "100", "slicer.size-variation", "50", "slicer.delay", "1ms");
        scenario(config, "stall", "timeout", "1s");
        scenario(config, "stall-forever", "timeout", "0s");
        scenario(config, "reset", "reset-after-bytes", "64KiB");
        scenario(config, "reset-peer", "reset-peer", "300ms");
        scenario(config, "truncate", "limit-data", "10KiB");
        scenario(config, "slow-close", "slow-close", "500ms");
        scenario(config, "no-half-close", "no-half-close", "true");
        scenario(config, "slow-start", "first-byte-delay", "300ms");
        scenario(config, "corrupt", "corrupt-every", "1000");
        scenario(config, "refuse", "refuse", "true");
        scenario(config, "never", "refuse", "true", "probability", "0");
        scenario(config, "half", "refuse", "true", "probability", "0.5");
        scenario(config, "combined", "latency", "100ms", "bandwidth", "1MiB", "reset-after-bytes", "256KiB");
        return config;
    }

    /** A fault scenario on a free port of its own: its name, then its faults' keys and values. */
    private static void scenario(Map<String, String> config, String name, String... faults) {
        config.put("echo.faults." + name + ".port", "0");
        for (int i = 0; i < faults.length; i += 2) {
            config.put("echo.faults." + name + "." + faults[i], faults[i + 1]);
        }
    }
}
