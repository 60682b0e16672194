package io.tcpecho.fault;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two grammars by which a client picks faults for its own connection, both read into a {@link FaultSpec} with the
 * vocabulary's checks:
 * <ul>
 * <li>the command port's first line, {@code FAULT latency=200ms limit-data=64KiB}: {@code FAULT}, then faults
 * separated by spaces, each {@code key=value} in the keys and syntax of the configuration, the flags
 * {@code no-half-close} and {@code refuse} also as their key alone, as in a label ({@code FAULT refuse});
 * {@code FAULT} alone is no fault;</li>
 * <li>the first label of a TLS server name (SNI), {@code latency-200ms-reset-after-bytes-1mib.echo.example.com}: faults
 * joined by {@code -}, each a key (dots written as {@code -}: {@code slicer-average-size}) and, but for the flags
 * {@code no-half-close} and {@code refuse}, its value; a probability is a percentage, {@code probability-25pct}. A
 * label is at most 63 characters and case-insensitive. A first label that does not begin with a fault's key is no
 * selection (the plain echo); one that does must be a valid selection as a whole.</li>
 * </ul>
 */
public final class FaultSelection {

    static final int MAX_LABEL = 63;
    static final String COMMAND = "FAULT";
    /** Keys as a label writes them, longest first, so that {@code reset-after-bytes} is not read as {@code reset...}. */
    private static final List<FaultKey<?>> BY_LABEL_LENGTH = FaultTypes.KEYS.stream()
            .sorted(Comparator.comparingInt((FaultKey<?> k) -> labelName(k).length()).reversed()).toList();

    private FaultSelection() {
    }

    /** Why a client's selection was refused: {@link #tag()} is the {@code reason} label, the message says exactly what. */
    public static final class Refused extends Exception {
        private final String tag;

        public Refused(String tag, String message) {
            super(message, null, false, false);
            this.tag = tag;
        }

        /** {@code malformed} (not the grammar), {@code invalid} (a value out of range, a bad combination), ... */
        public String tag() {
            return tag;
        }
    }

    /** Reads the command port's line (without its line end). */
    public static FaultSpec command(String line) throws Refused {
        if (!line.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new Refused("malformed", "the FAULT line holds a byte that is not printable ASCII");
        }
        String[] words = line.trim().split(" +");
        if (!words[0].equals(COMMAND)) {
            throw new Refused("malformed", "the first line must be FAULT followed by faults, e.g. FAULT latency=200ms"
                    + " limit-data=64KiB or FAULT refuse");
        }
        FaultSpec.Builder faults = FaultSpec.builder();
        for (String fault : Arrays.copyOfRange(words, 1, words.length)) {
            int equals = fault.indexOf('=');
            String name = equals < 0 ? fault : fault.substring(0, equals);
            FaultKey<?> key = FaultTypes.key(name).orElseThrow(() -> new Refused("malformed",
                    "'%s' is not a fault; the faults are %s".formatted(name, keys())));
            if (equals >= 0) {
                faults.parse(key, fault.substring(equals + 1));
            } else if (key.kind() == FaultKey.Kind.FLAG) {
                faults.parse(key, "true");
            } else {
                throw new Refused("malformed", "%s needs a value, as in %s=%s; only the flags no-half-close and refuse stand"
                        .formatted(name, name, example(key)) + " alone");
            }
        }
        return build(faults);
    }

    /**
     * Reads the first label of a server name; empty when it does not begin with a fault's key, so that
     * {@code echo.example.com} is the plain echo.
     */
    public static Optional<FaultSpec> serverName(String serverName) throws Refused {
        String label = serverName.toLowerCase(Locale.ROOT).split("\\.", 2)[0];
        if (startsWith(label, 0) == null) {
            return Optional.empty();
        }
        if (label.length() > MAX_LABEL) {
            throw new Refused("too_long", "the label '%s' is longer than 63 characters".formatted(label));
        }
        FaultSpec.Builder faults = FaultSpec.builder();
        int at = 0;
        while (at < label.length()) {
            FaultKey<?> key = startsWith(label, at);
            if (key == null) {
                throw new Refused("malformed", "'%s' in '%s' is not a fault of %s".formatted(label.substring(at), label, keys()));
            }
            at += labelName(key).length();
            if (key.kind() == FaultKey.Kind.FLAG) {
                faults.parse(key, "true");
            } else {
                if (at >= label.length() || label.charAt(at) != '-') {
                    throw new Refused("malformed", "%s in '%s' has no value".formatted(labelName(key), label));
                }
                int end = label.indexOf('-', at + 1);
                String value = label.substring(at + 1, end < 0 ? label.length() : end);
                if (key == FaultKey.PROBABILITY) {
                    probability(faults, value);
                } else {
                    faults.parse(key, value);
                }
                at = end < 0 ? label.length() : end;
            }
            if (at < label.length()) {
                at++; // the '-' before the next fault
            }
        }
        return Optional.of(build(faults));
    }

    private static String example(FaultKey<?> key) {
        return switch (key.kind()) {
            case DURATION -> "200ms";
            case SIZE -> "64KiB";
            case RATE -> "1MiB";
            case FRACTION -> "0.25";
            case FLAG -> "true";
        };
    }

    /** A probability in a label: a percentage, since a dot would end the label. */
    private static void probability(FaultSpec.Builder faults, String value) throws Refused {
        if (!value.endsWith("pct")) {
            throw new Refused("malformed", "probability in a server name is a percentage such as probability-25pct");
        }
        try {
            faults.set(FaultKey.PROBABILITY, Double.parseDouble(value.substring(0, value.length() - 3)) / 100);
        } catch (NumberFormatException e) {
            throw new Refused("malformed", "'%s' is not a percentage such as 25pct".formatted(value));
        }
    }

    private static FaultSpec build(FaultSpec.Builder faults) throws Refused {
        List<String> problems = faults.problems();
        if (!problems.isEmpty()) {
            throw new Refused("invalid", String.join("; ", problems));
        }
        return faults.build();
    }

    /** The key whose label name starts {@code label} at {@code at} and ends there or at a '-'; null if none. */
    private static FaultKey<?> startsWith(String label, int at) {
        for (FaultKey<?> key : BY_LABEL_LENGTH) {
            String name = labelName(key);
            if (label.startsWith(name, at) && (label.length() == at + name.length() || label.charAt(at + name.length()) == '-')) {
                return key;
            }
        }
        return null;
    }

    private static String labelName(FaultKey<?> key) {
        return key.key().replace('.', '-');
    }

    private static String keys() {
        return FaultTypes.names();
    }
}
