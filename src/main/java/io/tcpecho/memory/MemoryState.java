package io.tcpecho.memory;

/**
 * How close the bytes held for clients are to the memory budget, modelled on the kernel's {@code tcp_mem}
 * (low, pressure, high). {@link #level()} is the value of the {@code echo_memory_state} gauge.
 */
public enum MemoryState {
    /** Below the pressure line (or back below the low line): every connection reads up to its write-queue bound. */
    NORMAL(0),
    /** Near the budget: connections that hold more than a small floor stop being read until they drain. */
    PRESSURE(1),
    /**
     * At the budget: only connections holding nothing are read, new connections wait unread, and readiness is
     * DOWN so that load balancers prefer other pods.
     */
    OVERLOADED(2);

    private final int level;

    MemoryState(int level) {
        this.level = level;
    }

    public int level() {
        return level;
    }
}
