package io.tcpecho.echo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.tcpecho.identity.PodIdentity;
import io.tcpecho.proxy.ClientOrigin;

/**
 * One line per closed connection (echo.access-log), in logfmt, under the category {@code io.tcpecho.access} so that
 * it can be routed or silenced on its own. The same fields are put in the MDC while the line is logged, so that
 * Quarkus's JSON logging shows them as fields.
 */
final class AccessLog {

    private static final Logger LOG = Logger.getLogger("io.tcpecho.access");

    private final String pod;

    AccessLog(PodIdentity pod) {
        this.pod = pod.name();
    }

    void closed(ClientOrigin origin, long received, long sent, long openNanos, CloseReason reason) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("client", ClientOrigin.format(origin.client()));
        fields.put("peer", ClientOrigin.format(origin.peer()));
        fields.put("proxy", origin.header().map(header -> "v" + header.version()).orElse("none"));
        fields.put("received", Long.toString(received));
        fields.put("sent", Long.toString(sent));
        fields.put("duration_ms", Long.toString(TimeUnit.NANOSECONDS.toMillis(openNanos)));
        fields.put("reason", reason.tag());
        fields.put("pod", pod);
        fields.forEach(MDC::put);
        try {
            LOG.info(fields.entrySet().stream().map(field -> field.getKey() + "=" + field.getValue())
                    .collect(Collectors.joining(" ")));
        } finally {
            fields.keySet().forEach(MDC::remove);
        }
    }

}
