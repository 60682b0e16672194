package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * corrupt-every through a connection's faults ({@link ConnectionFaults#outgoing}), chunk after chunk: the lowest bit of
 * bytes N-1, 2N-1 ... of the echoed stream flipped, wherever the chunks begin, and each flip counted.
 */
class CorruptTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void everyNthByteOfTheStreamIsFlippedAcrossChunks() throws Exception {
        ConnectionFaults faults = faults("corrupt-every=3");
        // Offsets 0-3, then 4-8: flips at 2, 5 and 8; 'a' with its lowest bit flipped is '`'.
        assertThat(outgoing(faults, "aaaa")).isEqualTo("aa`a");
        assertThat(outgoing(faults, "aaaaa")).isEqualTo("a`aa`");
        assertThat(bitFlips()).isEqualTo(3);
    }

    @Test
    void corruptEveryOneFlipsEveryByte() throws Exception {
        assertThat(outgoing(faults("corrupt-every=1"), "abc")).isEqualTo("`cb");
        assertThat(bitFlips()).isEqualTo(3);
    }

    @Test
    void anEchoShorterThanNIsUntouchedAndNothingIsCounted() throws Exception {
        assertThat(outgoing(faults("corrupt-every=1KiB"), "a".repeat(1023))).isEqualTo("a".repeat(1023));
        assertThat(registry.find("echo.fault.actions").counter()).isNull();
    }

    /** A chunk is its readable bytes: what is before its reader index is not the echo's. */
    @Test
    void offsetsCountFromTheChunksReaderIndex() throws Exception {
        ByteBuf data = Unpooled.wrappedBuffer("XXaaaa".getBytes(StandardCharsets.US_ASCII)).skipBytes(2);
        ByteBuf out = faults("corrupt-every=2").outgoing(data);
        assertThat(out.toString(0, 6, StandardCharsets.US_ASCII)).isEqualTo("XXa`a`");
        out.release();
    }

    private ConnectionFaults faults(String line) throws FaultSelection.Refused {
        return ConnectionFaults.choose("test", FaultSelection.command("FAULT " + line), new FaultMetrics(registry));
    }

    private static String outgoing(ConnectionFaults faults, String text) {
        ByteBuf out = faults.outgoing(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII)));
        try {
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }

    private double bitFlips() {
        Counter flips = registry.get("echo.fault.actions").tags("scenario", "test", "action", "bit_flip").counter();
        return flips.count();
    }
}
