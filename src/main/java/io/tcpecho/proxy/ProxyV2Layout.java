package io.tcpecho.proxy;

import io.netty.buffer.ByteBuf;

/**
 * The length fields of a PROXY protocol v2 header (specification, section 2.2), checked before Netty's decoder
 * parses it. The decoder trusts them: a TLV whose length runs past the header, or an SSL TLV too short for its
 * client and verify fields, makes it throw an IndexOutOfBoundsException midway, after it took retained slices of the
 * connection's read buffer for the TLVs before, which nothing releases then. HAProxy refuses such a header as a
 * whole, and so does this: every TLV, and every sub-TLV of an SSL TLV, must fit exactly in what contains it.
 */
public final class ProxyV2Layout {

    /** Signature (12 bytes), version and command, address family and protocol, length (2 bytes). */
    public static final int FIXED_PART = 16;
    private static final int LOCAL = 0x0;
    private static final int TLV_HEAD = 3;
    private static final int SSL = 0x20;
    /** An SSL TLV's value starts with its client flags (1 byte) and verify result (4 bytes). */
    private static final int SSL_FIELDS = 5;

    private ProxyV2Layout() {
    }

    /** The whole header's length, from its fixed part at the start of {@code buffer}. */
    public static int length(ByteBuf buffer) {
        return FIXED_PART + buffer.getUnsignedShort(buffer.readerIndex() + 14);
    }

    /** The bytes of addresses before the TLVs, by the address family in the high nibble of byte 13. */
    private static int addressBytes(int family) {
        return switch (family) {
            case 0x1 -> 12; // IPv4: two addresses and two ports
            case 0x2 -> 36; // IPv6
            case 0x3 -> 216; // UNIX: two 108-byte paths
            default -> -1; // unspecified (no addresses, no TLVs read) or not a family at all (the decoder refuses it)
        };
    }

    /**
     * What is wrong with the lengths of the complete header at the start of {@code buffer}, or null when the decoder
     * can parse it safely (it still refuses what is wrong otherwise, such as an unknown version or family).
     */
    public static String problem(ByteBuf buffer) {
        int start = buffer.readerIndex();
        int command = buffer.getUnsignedByte(start + 12) & 0x0F;
        int addresses = addressBytes(buffer.getUnsignedByte(start + 13) >> 4);
        int end = start + length(buffer);
        if (command == LOCAL || addresses < 0 || end - start - FIXED_PART < addresses) {
            // LOCAL: the receiver discards the rest (and the decoder reads no TLVs); too short for its addresses:
            // the decoder refuses it with a message of its own.
            return null;
        }
        return tlvs(buffer, start + FIXED_PART + addresses, end, false);
    }

    private static String tlvs(ByteBuf buffer, int from, int to, boolean insideSsl) {
        String where = insideSsl ? " inside the SSL TLV" : "";
        for (int at = from; at < to; ) {
            if (to - at < TLV_HEAD) {
                return "%d stray bytes after the last TLV%s".formatted(to - at, where);
            }
            int type = buffer.getUnsignedByte(at);
            int length = buffer.getUnsignedShort(at + 1);
            int left = to - at - TLV_HEAD;
            if (length > left) {
                return "TLV 0x%02x declares %d bytes where %d are left%s".formatted(type, length, left, where);
            }
            if (type == SSL) {
                if (insideSsl) {
                    return "an SSL TLV inside the SSL TLV";
                }
                if (length < SSL_FIELDS) {
                    return "the SSL TLV has %d bytes, fewer than its client and verify fields".formatted(length);
                }
                String inner = tlvs(buffer, at + TLV_HEAD + SSL_FIELDS, at + TLV_HEAD + length, true);
                if (inner != null) {
                    return inner;
                }
            }
            at += TLV_HEAD + length;
        }
        return null;
    }
}
