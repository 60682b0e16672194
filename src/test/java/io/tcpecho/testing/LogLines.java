package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * Collects what the application logs under one category, in a test that runs the application in its own JVM
 * (QuarkusTest): Quarkus's log manager is java.util.logging's, so a handler on the category sees every record. The
 * root category ({@link #all()}) sees what Vert.x and Netty log too.
 */
public final class LogLines extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level least;
    /** The category's own level before, which {@link #close()} puts back. */
    private final Level before;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogLines(Logger logger, Level least) {
        this.logger = logger;
        this.least = least;
        this.before = logger.getLevel();
    }

    public static LogLines of(String category) {
        return of(category, Level.INFO);
    }

    /**
     * Records at {@code least} and above ({@link Level#FINE} is JBoss Logging's DEBUG): the category logs them while this
     * is open, whatever its configured level.
     */
    public static LogLines of(String category, Level least) {
        LogLines lines = new LogLines(Logger.getLogger(category), least);
        if (least.intValue() < Level.INFO.intValue()) {
            lines.logger.setLevel(least);
        }
        lines.logger.addHandler(lines);
        return lines;
    }

    /** Every category: the application's, Vert.x's and Netty's. */
    public static LogLines all() {
        return of("");
    }

    public List<String> lines() {
        return records.stream().map(LogLines::message).toList();
    }

    /** JBoss Logging keeps a printf-style record's format and parameters apart until it is formatted. */
    private static String message(LogRecord record) {
        return record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
    }

    /** The records that carried an exception (and so a stack trace), as {@code message: exception}. */
    public List<String> thrown() {
        return records.stream().filter(record -> record.getThrown() != null)
                .map(record -> message(record) + ": " + record.getThrown()).toList();
    }

    /** Records at {@code level} exactly, as {@code category: message}. */
    public List<String> at(Level level) {
        return records.stream().filter(record -> record.getLevel().intValue() == level.intValue())
                .map(record -> record.getLoggerName() + ": " + message(record)).toList();
    }

    /**
     * The log-flood rule for input an outsider controls: however many bad connections or datagrams, at most one
     * WARN per reason ({@code reasons}, the number of reasons the test provoked), no ERROR, no stack trace.
     */
    public void assertNoFlood(int reasons) {
        assertThat(at(Level.SEVERE)).as("no ERROR").isEmpty();
        assertThat(thrown()).as("no stack trace").isEmpty();
        assertThat(at(Level.WARNING)).as("at most one WARN per reason").hasSizeLessThanOrEqualTo(reasons);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= least.intValue()) {
            records.add(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(before);
    }
}
