package io.tcpecho.fault;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;

/**
 * The faults one connection gets: its scenario's (or its own selection's), decided once at its start. Toxiproxy's
 * lesson (its issue 603, a reset_peer at toxicity 0 that still reset) is kept: {@link #choose} draws the probability
 * first, and a connection it spares gets no object at all, so nothing of the faults can touch it.
 * <p>
 * The echo consults it at four points: the start, each chunk of echo, the client's FIN and the server's FIN; faults
 * that shape timing sit in the connection's pipeline ({@link DelayStage}). Every method runs on the connection's event
 * loop.
 */
public final class ConnectionFaults {

    private final String scenario;
    private final FaultSpec spec;
    private final FaultMetrics metrics;
    private final List<Fault> faults;
    private FaultTarget target;
    /** Bytes of echo let out so far: the offset in the echoed stream of the next chunk. */
    private long offset;

    private ConnectionFaults(String scenario, FaultSpec spec, FaultMetrics metrics) {
        this.scenario = scenario;
        this.spec = spec;
        this.metrics = metrics;
        this.faults = spec.units();
    }

    /** The faults for a new connection of {@code scenario}, or null when it gets the plain echo (counted as spared). */
    public static ConnectionFaults choose(String scenario, FaultSpec spec, FaultMetrics metrics) {
        if (spec.isEmpty()) {
            return null;
        }
        double probability = spec.probability();
        if (probability < 1 && ThreadLocalRandom.current().nextDouble() >= probability) {
            metrics.spared(scenario);
            return null;
        }
        metrics.chosen(scenario, spec.faults());
        return new ConnectionFaults(scenario, spec, metrics);
    }

    /**
     * The connection starts: puts the timing faults into its pipeline (after {@code install} placed them) and lets each
     * fault act; false when one took the connection over (refused, stalled), which then gets no echo.
     */
    public boolean start(FaultTarget connection, Consumer<DelayStage> install) {
        this.target = connection;
        delayStage(System::nanoTime).ifPresent(install);
        for (Fault fault : faults) {
            if (!fault.started(this)) {
                return false;
            }
        }
        return true;
    }

    /** The stage of its timing faults, which reads the time from {@code clock} (nanoTime); empty when it has none. */
    Optional<DelayStage> delayStage(LongSupplier clock) {
        List<Fault> timing = faults.stream().filter(Fault::timing).toList();
        return timing.isEmpty() ? Optional.empty() : Optional.of(new DelayStage(timing, this, clock));
    }

    /**
     * A chunk of echo, before it is written: what of it goes out, altered or cut short (the rest counted as dropped), or
     * null when none of it does (it is released).
     */
    public ByteBuf outgoing(ByteBuf data) {
        int bytes = data.readableBytes();
        for (Fault fault : faults) {
            int keep = fault.outgoing(this, data, offset);
            if (keep < data.readableBytes()) {
                target.dropped(data.readableBytes() - keep);
                data.writerIndex(data.readerIndex() + keep);
            }
        }
        int keep = data.readableBytes();
        offset += keep;
        if (keep == 0 && bytes > 0) {
            data.release();
            return null;
        }
        return data;
    }

    /** The client's FIN: true when a fault ends the connection itself instead of the echo's finishing. */
    public boolean clientEnded() {
        for (Fault fault : faults) {
            if (fault.clientEnded(this)) {
                return true;
            }
        }
        return false;
    }

    /** The whole echo is written and the server's FIN is next: runs {@code fin} once every fault let it. */
    public void beforeFin(Runnable fin) {
        Runnable next = fin;
        for (int i = faults.size() - 1; i >= 0; i--) {
            Fault fault = faults.get(i);
            Runnable then = next;
            next = () -> fault.beforeFin(this, then);
        }
        next.run();
    }

    FaultTarget target() {
        return target;
    }

    void count(String action) {
        count(action, 1);
    }

    void count(String action, long times) {
        metrics.acted(scenario, action, times);
    }

    void delayed(long bytes) {
        metrics.delayed(scenario, bytes);
    }

    /** For the access log: the faults as the command port would write them. */
    public String describe() {
        return spec.toString();
    }
}
