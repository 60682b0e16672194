package io.tcpecho;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Quarkus's start line lists the HTTP servers it opened ("Listening on: http://..."), then the management interface.
 * The echo opens no Quarkus HTTP server ({@code quarkus.http.host-enabled=false}; its listeners are its own, and
 * EchoServer logs them), so the list is empty and the line said "Listening on: ." Quarkus has no setting for that
 * text; a logging filter (quarkus.log.console.filter) is its hook on a record before it is written, and this one
 * keeps every record, dropping only that empty list from the start line's argument.
 */
@LoggingFilter(name = "start-line")
public final class StartLineFilter implements Filter {

    /** What VertxHttpRecorder writes when it opened no HTTP server, before the management interface's part. */
    static final String NOTHING_LISTED = "Listening on: ";
    private static final String NOTHING_LISTED_THEN_MORE = NOTHING_LISTED + ". ";

    @Override
    public boolean isLoggable(LogRecord record) {
        Object[] parameters = record.getParameters();
        if (!"io.quarkus".equals(record.getLoggerName()) || parameters == null) {
            return true;
        }
        Object[] truthful = parameters.clone();
        for (int i = 0; i < truthful.length; i++) {
            if (truthful[i] instanceof String text && text.startsWith(NOTHING_LISTED_THEN_MORE)) {
                truthful[i] = text.substring(NOTHING_LISTED_THEN_MORE.length());
            } else if (NOTHING_LISTED.equals(truthful[i])) {
                truthful[i] = "";
            }
        }
        record.setParameters(truthful);
        return true;
    }
}
