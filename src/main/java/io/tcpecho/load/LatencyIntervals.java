package io.tcpecho.load;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.Instant;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The run's latencies cut into intervals: every second, and whenever the workload takes its measured latencies, what
 * the recorder holds becomes an interval. Each interval goes to the histogram log, if the run writes one
 * ({@code --histogram-log}, HdrHistogram's interval log format, which its own tools read), and is added to what the
 * workload takes next. The log tags each interval with the phase it was recorded in: {@value #WARMUP} before the
 * warm-up is over, the workload's name while it measures, {@value #COOLDOWN} after it took its latencies (the messages
 * in flight when the measured window closed). The intervals tagged with the workload's name add up to exactly the
 * report's latencies.
 */
final class LatencyIntervals implements AutoCloseable {

    static final String WARMUP = "warmup";
    static final String COOLDOWN = "cooldown";
    private static final long TICK_MILLIS = 1000;

    private final LatencyRecorder recorder;
    private final Thread ticker;
    private HistogramLogWriter log;
    private String series;
    private Phase phase = Phase.MEASURED;
    private Histogram taken = new Histogram(3);
    private boolean closed;

    private enum Phase {
        WARMUP, MEASURED, COOLDOWN
    }

    LatencyIntervals(LatencyRecorder recorder) {
        this.recorder = recorder;
        ticker = new Thread(this::tick, "load-latency-intervals");
        ticker.setDaemon(true);
        ticker.start();
    }

    /**
     * Writes the intervals from now on to {@code file}: a new log of the run that started at {@code start}, the
     * measured intervals tagged {@code series}.
     */
    synchronized void logTo(Path file, Instant start, String series) throws FileNotFoundException {
        log = new HistogramLogWriter(file.toFile());
        log.outputComment("tcp-echo load " + series + ": latencies in nanoseconds, one interval a second; tags "
                + WARMUP + ", " + series + " (the report's measured latencies), " + COOLDOWN);
        log.outputLogFormatVersion();
        log.outputStartTime(start.toEpochMilli());
        log.setBaseTime(start.toEpochMilli());
        log.outputBaseTime(start.toEpochMilli());
        log.outputLegend();
        this.series = series;
    }

    /** The run warms up until {@link #warmupOver()}: what it records meanwhile is not measured. */
    synchronized void warmingUp() {
        phase = Phase.WARMUP;
    }

    /** Ends the warm-up: drops what it recorded, and measures from now on. */
    synchronized void warmupOver() {
        cut();
        taken = new Histogram(3);
        phase = Phase.MEASURED;
    }

    /** The latencies measured since the warm-up's end or the last take; what the run records later is the cool-down. */
    synchronized Histogram take() {
        cut();
        Histogram result = taken;
        taken = new Histogram(3);
        phase = Phase.COOLDOWN;
        return result;
    }

    private synchronized void cut() {
        if (closed) {
            return;
        }
        Histogram interval = recorder.getIntervalHistogram();
        taken.add(interval);
        if (log != null) {
            interval.setTag(switch (phase) {
                case WARMUP -> WARMUP;
                case MEASURED -> series;
                case COOLDOWN -> COOLDOWN;
            });
            log.outputIntervalHistogram(interval);
        }
    }

    private void tick() {
        try {
            while (true) {
                Thread.sleep(TICK_MILLIS);
                cut();
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    /** Stops cutting intervals; the log gets the last one and is closed. */
    @Override
    public synchronized void close() {
        ticker.interrupt();
        if (log != null) {
            cut();
            log.close();
        }
        closed = true;
    }
}
