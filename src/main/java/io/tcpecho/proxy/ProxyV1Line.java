package io.tcpecho.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.netty.buffer.ByteBuf;
import io.netty.util.NetUtil;

/**
 * The text line of a PROXY protocol v1 header (specification, section 2.1), checked before Netty's decoder parses
 * it, so that what is wrong is said in our words: the decoder's are its own exceptions' ("No enum constant
 * io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.bogus"). It refuses exactly what the decoder would: the
 * fields split at single spaces, a protocol the decoder does not take, addresses not of the protocol's family,
 * ports outside 1 to 65535; and, as the specification bounds it, a line longer than 107 bytes.
 */
public final class ProxyV1Line {

    /** The longest line a receiver must take, CRLF included: "PROXY UNKNOWN" and the longest TCP6 fields. */
    public static final int MAX_LENGTH = 107;
    private static final Set<String> PROTOCOLS = Set.of("TCP4", "TCP6", "UNKNOWN");
    private static final String FIELDS = "PROXY %s <source address> <destination address> <source port> <destination port>";

    private ProxyV1Line() {
    }

    /**
     * The length of the line at the start of {@code buffer}, CRLF included; -1 while its end has not arrived, and
     * {@code MAX_LENGTH + 1} when it cannot end in time.
     */
    public static int length(ByteBuf buffer) {
        int start = buffer.readerIndex();
        int searched = Math.min(buffer.readableBytes(), MAX_LENGTH);
        for (int i = 1; i < searched; i++) {
            if (buffer.getByte(start + i - 1) == '\r' && buffer.getByte(start + i) == '\n') {
                return i + 1;
            }
        }
        return buffer.readableBytes() >= MAX_LENGTH ? MAX_LENGTH + 1 : -1;
    }

    /** What is wrong with the complete line of {@code length} bytes at the start of {@code buffer}, or null. */
    public static String problem(ByteBuf buffer, int length) {
        if (length > MAX_LENGTH) {
            return "no CRLF within the %d bytes a PROXY v1 header may take".formatted(MAX_LENGTH);
        }
        String line = buffer.toString(buffer.readerIndex(), length - 2, StandardCharsets.US_ASCII);
        // As the decoder splits it (trailing empty fields dropped).
        String[] fields = line.split(" ");
        String protocol = fields.length > 1 ? fields[1] : "";
        if (!PROTOCOLS.contains(protocol)) {
            return "unknown protocol '%s' in the PROXY v1 header; expected TCP4, TCP6 or UNKNOWN".formatted(printable(protocol));
        }
        if (protocol.equals("UNKNOWN")) {
            return null; // the receiver ignores the rest of the line
        }
        if (fields.length != 6) {
            return "the PROXY v1 %s header has %d fields; expected 6: %s".formatted(protocol, fields.length,
                    FIELDS.formatted(protocol));
        }
        String problem = address("source", fields[2], protocol);
        problem = problem != null ? problem : address("destination", fields[3], protocol);
        problem = problem != null ? problem : port("source", fields[4]);
        return problem != null ? problem : port("destination", fields[5]);
    }

    private static String address(String which, String address, String protocol) {
        boolean valid = protocol.equals("TCP4") ? NetUtil.isValidIpV4Address(address) : NetUtil.isValidIpV6Address(address);
        return valid ? null : "%s address '%s' in the PROXY v1 header is not an IPv%s address, as %s requires".formatted(which,
                printable(address), protocol.substring(3), protocol);
    }

    private static String port(String which, String port) {
        return isPort(port) ? null
                : "%s port '%s' in the PROXY v1 header is not a port; expected 1 to 65535".formatted(which, printable(port));
    }

    /** As the decoder reads it, with Integer.parseInt: a sign and leading zeros pass. */
    private static boolean isPort(String port) {
        try {
            int number = Integer.parseInt(port);
            return number >= 1 && number <= 65535;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    /** A field as it can go into a log line: a client may send control characters. */
    private static String printable(String field) {
        return field.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
