package io.tcpecho.load;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * The run's latency recorder: HdrHistogram's, one per thread that records, read together. The client's event loops
 * record a value per message, and one {@link org.HdrHistogram.Recorder} shared by them would take several atomic
 * operations per value on counters that the loops then pull between their CPUs; each thread's own
 * {@link SingleWriterRecorder} keeps its writes on its own cache lines.
 */
final class LatencyRecorder {

    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private long intervalStart = System.currentTimeMillis();
    private final FastThreadLocal<SingleWriterRecorder> own = new FastThreadLocal<>() {
        @Override
        protected SingleWriterRecorder initialValue() {
            SingleWriterRecorder recorder = new SingleWriterRecorder(3);
            recorders.add(recorder);
            return recorder;
        }
    };

    /** Records {@code nanos}, on the calling thread's recorder. */
    void recordValue(long nanos) {
        own.get().recordValue(nanos);
    }

    /**
     * What every thread recorded since the last call (or since this recorder was made), as one histogram whose start and
     * end times are the interval's, as a {@link org.HdrHistogram.Recorder}'s are: the interval log writes them. Called
     * by one thread at a time.
     */
    Histogram getIntervalHistogram() {
        Histogram interval = new Histogram(3);
        for (SingleWriterRecorder recorder : recorders) {
            interval.add(recorder.getIntervalHistogram());
        }
        long now = System.currentTimeMillis();
        interval.setStartTimeStamp(intervalStart);
        interval.setEndTimeStamp(now);
        intervalStart = now;
        return interval;
    }
}
