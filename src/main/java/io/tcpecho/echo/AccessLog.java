package io.tcpecho.echo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.tcpecho.fault.ConnectionFaults;
import io.tcpecho.identity.PodIdentity;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsSession;

/**
 * One line per closed connection (echo.access-log), in logfmt, under the category {@code io.tcpecho.access} so that
 * it can be routed or silenced on its own. The same fields are put in the MDC while the line is logged, so that
 * Quarkus's JSON logging shows them as fields.
 */
final class AccessLog {

    private static final Logger LOG = Logger.getLogger("io.tcpecho.access");
    private static final Pattern PLAIN = Pattern.compile("[^ \"=]*");

    private final String pod;

    AccessLog(PodIdentity pod) {
        this.pod = pod.name();
    }

    /**
     * @param scenario the fault scenario of the connection's listener or selection, null for none
     * @param faults its faults, null when it had none (spared by the probability)
     */
    void closed(ClientOrigin origin, Optional<TlsSession> tls, long received, long sent, long openNanos, CloseReason reason,
            String scenario, ConnectionFaults faults) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("client", ClientOrigin.format(origin.client()));
        fields.put("peer", ClientOrigin.format(origin.peer()));
        fields.put("proxy", origin.header().map(header -> "v" + header.version()).orElse("none"));
        tls.ifPresent(session -> {
            fields.put("tls", session.protocol());
            fields.put("cipher", session.cipherSuite());
            fields.put("sni", session.serverName().orElse("-"));
            fields.put("client_subject", session.clientSubject().orElse("-"));
        });
        if (scenario != null) {
            fields.put("scenario", scenario);
            fields.put("faults", faults == null ? "spared" : faults.describe());
        }
        fields.put("received", Long.toString(received));
        fields.put("sent", Long.toString(sent));
        fields.put("duration_ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(openNanos)));
        fields.put("reason", reason.tag());
        fields.put("pod", pod);
        fields.forEach(MDC::put);
        try {
            LOG.info(fields.entrySet().stream().map(field -> field.getKey() + "=" + logfmt(field.getValue()))
                    .collect(Collectors.joining(" ")));
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
    }

    /** A value with spaces, quotes or equals signs (a certificate's subject) quoted, as logfmt wants. */
    private static String logfmt(String value) {
        return PLAIN.matcher(value).matches() ? value : '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
