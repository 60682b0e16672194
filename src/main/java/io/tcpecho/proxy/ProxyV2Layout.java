package io.tcpecho.proxy;

import java.util.Set;

import io.netty.buffer.ByteBuf;

/**
 * The length fields of a PROXY protocol v2 header (specification, section 2.2), checked before Netty's decoder
 * parses it. The decoder trusts them: a TLV whose length runs past the header, or an SSL TLV too short for its
 * client and verify fields, makes it throw an IndexOutOfBoundsException midway, after it took retained slices of the
 * connection's read buffer for the TLVs before, which nothing releases then. HAProxy refuses such a header as a
 * whole, and so does this: every TLV, and every sub-TLV of an SSL TLV, must fit exactly in what contains it. The
 * version, command, address family and the addresses' length it checks as the decoder would, so that a rejection
 * says what was wrong in our words rather than the decoder's ("java.lang.IllegalArgumentException: unknown version").
 */
public final class ProxyV2Layout {

    /** Signature (12 bytes), version and command, address family and protocol, length (2 bytes). */
    public static final int FIXED_PART = 16;
    private static final int LOCAL = 0x0;
    private static final int PROXY = 0x1;
    /** The decoder's address families and transports (its HAProxyProxiedProtocol): unspecified, then TCP and UDP. */
    private static final Set<Integer> FAMILIES = Set.of(0x00, 0x11, 0x12, 0x21, 0x22, 0x31, 0x32);
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
            default -> -1; // unspecified: no addresses, and no TLVs read
        };
    }

    /**
     * What is wrong with the lengths of the complete header at the start of {@code buffer}, or null when the decoder
     * can parse it safely (it still refuses what is wrong otherwise, such as an unknown version or family).
     */
    public static String problem(ByteBuf buffer) {
        int start = buffer.readerIndex();
        int version = buffer.getUnsignedByte(start + 12) >> 4;
        int command = buffer.getUnsignedByte(start + 12) & 0x0F;
        int family = buffer.getUnsignedByte(start + 13);
        int addresses = addressBytes(family >> 4);
        int end = start + length(buffer);
        if (version != 2) {
            return "version %d in the PROXY v2 header; expected 2".formatted(version);
        }
        if (command != LOCAL && command != PROXY) {
            return "command %d in the PROXY v2 header; expected 0 (LOCAL) or 1 (PROXY)".formatted(command);
        }
        if (command == LOCAL) {
            return null; // the receiver discards the rest (and the decoder reads no addresses or TLVs)
        }
        if (!FAMILIES.contains(family)) {
            return ("address family and transport 0x%02x in the PROXY v2 header; expected 0x00 (unspecified), 0x11 or 0x12"
                    + " (IPv4), 0x21 or 0x22 (IPv6), 0x31 or 0x32 (UNIX)").formatted(family);
        }
        if (addresses < 0) {
            return null; // unspecified: the decoder reads no addresses or TLVs
        }
        if (end - start - FIXED_PART < addresses) {
            return "the PROXY v2 header has %d bytes for addresses where its family needs %d".formatted(end - start - FIXED_PART,
                    addresses);
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
