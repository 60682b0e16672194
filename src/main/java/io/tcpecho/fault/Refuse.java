package io.tcpecho.fault;

import io.tcpecho.fault.Expectation.Ending;

/**
 * refuse: reset (RST) each connection right after accept. The kernel completed its handshake already (a server cannot
 * refuse a SYN from user space), so the client sees its connection reset at once, the nearest to a refusal there is.
 */
public final class Refuse implements Fault {

    public static final FaultKey<Boolean> REFUSE = FaultKey.flag("refuse");
    static final FaultType TYPE = FaultType.of("refuse", REFUSE, on -> new Refuse()).onlyWithProbability().counting("refuse")
            .expecting(REFUSE, on -> Expectation.ending("reset or EOF before any echo",
                    (ending, atByte, afterMillis) -> (ending == Ending.RESET || ending == Ending.EOF) && atByte == 0));

    private Refuse() {
    }

    @Override
    public boolean started(ConnectionFaults connection) {
        connection.count("refuse");
        connection.target().reset();
        return false;
    }
}
