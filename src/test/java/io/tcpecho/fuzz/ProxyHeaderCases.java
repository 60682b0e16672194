package io.tcpecho.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.tcpecho.testing.ProxyHeaders;

/**
 * Seeded PROXY protocol headers: valid ones, ones broken in a known way (each with the rejection it must get), and
 * randomly mutated ones (which must be either used exactly or rejected). The test writes the headers itself, field
 * by field, so that a mutation can break one length or one byte and know where the header ends.
 */
final class ProxyHeaderCases {

    /** What the server must do with a case. */
    enum Outcome {
        /** Use the header and echo exactly the payload after it. */
        ECHO,
        INVALID,
        MISSING,
        INCOMPLETE,
        /** Either ECHO or a rejection: a random mutation may leave the header valid. */
        ANY
    }

    /**
     * @param header the bytes before the payload
     * @param truncated the client sends the header only, then FIN
     */
    record Case(String description, byte[] header, boolean truncated, Outcome outcome) {
    }

    /** The longest v2 header the server takes (16 + 216 + 4096 bytes of TLVs). */
    static final int MAX_V2_HEADER = 16 + 216 + 4096;
    private static final int[] FAMILIES = { 0x11, 0x12, 0x21, 0x22, 0x31, 0x32 };
    private static final int SSL = 0x20;

    private final Random random;

    ProxyHeaderCases(long seed) {
        this.random = new Random(seed);
    }

    List<Case> generate(int count) {
        List<Case> cases = new ArrayList<>(count);
        while (cases.size() < count) {
            cases.add(random.nextInt(3) == 0 ? v1Case() : v2Case());
        }
        return cases;
    }

    // ---- v2

    /** One TLV as written; {@code declared} is the length field, normally the value's length. */
    private record Tlv(int type, byte[] value, int declared) {
        Tlv(int type, byte[] value) {
            this(type, value, value.length);
        }

        void write(ByteArrayOutputStream out) {
            out.write(type);
            out.write(declared >> 8);
            out.write(declared);
            out.writeBytes(value);
        }
    }

    private Case v2Case() {
        boolean local = random.nextInt(10) == 0;
        int family = random.nextInt(12) == 0 ? 0x00 : FAMILIES[random.nextInt(FAMILIES.length)];
        byte[] addresses = random(addressBytes(family));
        List<Tlv> tlvs = randomTlvs();
        boolean tlvsRead = !local && family != 0x00;
        switch (random.nextInt(10)) {
            case 0, 1 -> {
                return v2("valid", local, family, addresses, tlvs, new byte[0], Outcome.ECHO);
            }
            case 2 -> {
                // A TLV whose length runs past the header: the header's own length stays right.
                int at = random.nextInt(tlvs.size() + 1);
                int left = tlvs.subList(at, tlvs.size()).stream().mapToInt(tlv -> 3 + tlv.value().length).sum() + 3;
                byte[] value = random(random.nextInt(8));
                int declared = Math.min(65535, value.length + left + 1 + random.nextInt(600));
                tlvs.add(at, new Tlv(random.nextBoolean() ? SSL : randomType(), value, declared));
                return v2("TLV length past the header", local, family, addresses, tlvs, new byte[0],
                        tlvsRead ? Outcome.INVALID : Outcome.ECHO);
            }
            case 3 -> {
                ByteArrayOutputStream subs = new ByteArrayOutputStream();
                new Tlv(0x21, random(4)).write(subs);
                new Tlv(0x22, random(random.nextInt(9)), 9000 + random.nextInt(50_000)).write(subs);
                tlvs.add(new Tlv(SSL, concat(random(5), subs.toByteArray())));
                return v2("sub-TLV length past its SSL TLV", local, family, addresses, tlvs, new byte[0],
                        tlvsRead ? Outcome.INVALID : Outcome.ECHO);
            }
            case 4 -> {
                tlvs.add(new Tlv(SSL, random(random.nextInt(5))));
                return v2("SSL TLV shorter than its fields", local, family, addresses, tlvs, new byte[0],
                        tlvsRead ? Outcome.INVALID : Outcome.ECHO);
            }
            case 5 -> {
                return v2("stray bytes after the TLVs", local, family, addresses, tlvs, random(1 + random.nextInt(2)),
                        tlvsRead ? Outcome.INVALID : Outcome.ECHO);
            }
            case 6 -> {
                byte[] header = v2(local, family, addresses, tlvs, new byte[0]);
                int length = MAX_V2_HEADER - 16 + 1 + random.nextInt(65535 - (MAX_V2_HEADER - 16));
                header[14] = (byte) (length >> 8);
                header[15] = (byte) length;
                return new Case("length field over the maximum", header, false, Outcome.INVALID);
            }
            case 7 -> {
                byte[] header = v2(local, family, addresses, tlvs, new byte[0]);
                return new Case("v2 cut short, then FIN", Arrays.copyOf(header, 1 + random.nextInt(header.length - 1)),
                        true, Outcome.INCOMPLETE);
            }
            case 8 -> {
                byte[] header = v2(local, family, addresses, tlvs, new byte[0]);
                header[random.nextInt(12)] ^= (byte) (1 + random.nextInt(255));
                return new Case("v2 signature broken", header, false, Outcome.MISSING);
            }
            default -> {
                // Random bytes changed anywhere after the signature but in the length field, which says where the
                // payload begins: the header is then used exactly as the server reads it, or refused.
                byte[] header = v2(local, family, addresses, tlvs, new byte[0]);
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    int at = 12 + random.nextInt(header.length - 12);
                    if (at != 14 && at != 15) {
                        header[at] = (byte) random.nextInt(256);
                    }
                }
                return new Case("v2 with random bytes", header, false, Outcome.ANY);
            }
        }
    }

    private Case v2(String description, boolean local, int family, byte[] addresses, List<Tlv> tlvs, byte[] trailer,
            Outcome outcome) {
        String what = description + (local ? ", LOCAL" : "") + " (family 0x%02x, %d TLVs)".formatted(family, tlvs.size());
        return new Case(what, v2(local, family, addresses, tlvs, trailer), false, outcome);
    }

    private static byte[] v2(boolean local, int family, byte[] addresses, List<Tlv> tlvs, byte[] trailer) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(addresses);
        tlvs.forEach(tlv -> tlv.write(body));
        body.writeBytes(trailer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ProxyHeaders.V2_SIGNATURE);
        out.write(local ? 0x20 : 0x21);
        out.write(family);
        out.write(body.size() >> 8);
        out.write(body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static int addressBytes(int family) {
        return switch (family >> 4) {
            case 1 -> 12;
            case 2 -> 36;
            case 3 -> 216;
            default -> 0;
        };
    }

    /** Zero to six TLVs of the types balancers send, SSL with sub-TLVs among them, within the server's 4 KiB. */
    private List<Tlv> randomTlvs() {
        List<Tlv> tlvs = new ArrayList<>();
        for (int n = random.nextInt(7); n > 0; n--) {
            if (random.nextInt(4) == 0) {
                ByteArrayOutputStream ssl = new ByteArrayOutputStream();
                ssl.writeBytes(random(5));
                for (int subs = random.nextInt(4); subs > 0; subs--) {
                    new Tlv(0x21 + random.nextInt(5), random(random.nextInt(40))).write(ssl);
                }
                tlvs.add(new Tlv(SSL, ssl.toByteArray()));
            } else {
                tlvs.add(new Tlv(randomType(), random(random.nextInt(random.nextInt(10) == 0 ? 600 : 40))));
            }
        }
        return tlvs;
    }

    private int randomType() {
        int[] types = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x30, 0xE0, 0xEA, 0xEE, 0xE5, 0x7F };
        return random.nextInt(8) == 0 ? 0x40 + random.nextInt(0xA0) : types[random.nextInt(types.length)];
    }

    // ---- v1

    private int port() {
        return 1 + random.nextInt(65535);
    }

    private Case v1Case() {
        String line = switch (random.nextInt(3)) {
            // Ports 1 to 65535: a header's port 0 is invalid, so a valid case must not draw it.
            case 0 -> "PROXY TCP4 %d.%d.%d.%d 198.51.100.%d %d %d".formatted(random.nextInt(256), random.nextInt(256),
                    random.nextInt(256), random.nextInt(256), random.nextInt(256), port(), port());
            case 1 -> "PROXY TCP6 2001:db8::%x 2001:db8::1 %d 7".formatted(random.nextInt(65536), port());
            default -> "PROXY UNKNOWN";
        };
        byte[] header = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        switch (random.nextInt(6)) {
            case 0, 1 -> {
                return new Case("v1 valid: " + line, header, false, Outcome.ECHO);
            }
            case 2 -> {
                return new Case("v1 cut short, then FIN", Arrays.copyOf(header, 1 + random.nextInt(header.length - 2)),
                        true, Outcome.INCOMPLETE);
            }
            case 3 -> {
                byte[] digits = new byte[120 + random.nextInt(400)];
                Arrays.fill(digits, (byte) '1');
                return new Case("v1 line too long", concat("PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII), digits), false,
                        Outcome.INVALID);
            }
            default -> {
                // Anything but CR and LF, after the signature and before the line's end, so that the header keeps its end.
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = 6 + random.nextInt(header.length - 8);
                    byte b;
                    do {
                        b = (byte) random.nextInt(256);
                    } while (b == '\r' || b == '\n');
                    header[at] = b;
                }
                return new Case("v1 with random bytes", header, false, Outcome.ANY);
            }
        }
    }

    byte[] payload() {
        return random(1 + random.nextInt(2000));
    }

    private byte[] random(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
