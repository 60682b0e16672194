package io.tcpecho.fault;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * Refused fault selections: counted by how they came ({@code command}, {@code sni}) and why, and logged once per
 * both, then only counted: a client cannot flood the log.
 */
@Singleton
public class FaultRefusals {

    private static final Logger LOG = Logger.getLogger(FaultRefusals.class);

    /** How {@link #errorLine} begins: what a client, the load client too, recognises a refusal by. */
    public static final String ERROR_LINE_PREFIX = "FAULT ERROR ";

    private final FaultMetrics metrics;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public FaultRefusals(FaultMetrics metrics) {
        this.metrics = metrics;
    }

    /** @param client who asked, for the log */
    public void refused(String via, FaultSelection.Refused refused, String client) {
        metrics.refused(via, refused.tag());
        if (logged.add(via + "/" + refused.tag())) {
            LOG.warnf("Refused a fault selection by %s from %s: %s. Further such selections are only counted, in "
                    + "echo_fault_selections_refused_total{via=\"%s\",reason=\"%s\"}", via, client, refused.getMessage(), via,
                    refused.tag());
        } else {
            LOG.debugf("Refused a fault selection by %s from %s: %s", via, client, refused.getMessage());
        }
    }

    /** The line a refused client gets back before its connection is closed. */
    public static String errorLine(FaultSelection.Refused refused) {
        return ERROR_LINE_PREFIX + refused.tag() + ": " + refused.getMessage() + "\r\n";
    }
}
