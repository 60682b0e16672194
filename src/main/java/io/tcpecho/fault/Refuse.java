package io.tcpecho.fault;

/**
 * refuse: reset (RST) each connection right after accept. The kernel completed its handshake already (a server cannot
 * refuse a SYN from user space), so the client sees its connection reset at once, the nearest to a refusal there is.
 */
public final class Refuse implements Fault {

    public static final FaultKey<Boolean> REFUSE = FaultKey.flag("refuse");
    static final FaultType TYPE = FaultType.of("refuse", REFUSE, on -> new Refuse()).onlyWithProbability().counting("refuse");

    private Refuse() {
    }

    @Override
    public boolean started(ConnectionFaults connection) {
        connection.count("refuse");
        connection.target().reset();
        return false;
    }
}
