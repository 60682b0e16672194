package io.tcpecho.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the application logs under one category, in a test that runs the application in its own JVM
 * (QuarkusTest): Quarkus's log manager is java.util.logging's, so a handler on the category sees every record.
 */
public final class LogLines extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> thrown = new CopyOnWriteArrayList<>();

    private LogLines(Logger logger) {
        this.logger = logger;
    }

    public static LogLines of(String category) {
        LogLines lines = new LogLines(Logger.getLogger(category));
        lines.logger.addHandler(lines);
        return lines;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The records that carried an exception (and so a stack trace), as {@code message: exception}. */
    public List<String> thrown() {
        return List.copyOf(thrown);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getMessage());
        if (record.getThrown() != null) {
            thrown.add(record.getMessage() + ": " + record.getThrown());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
