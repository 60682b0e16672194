package io.tcpecho.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The barrier's protocol, one line each way. A participant checks in with {@code shard I/N}; index 0 answers every
 * participant with {@code go MILLIS} (the agreed start, wall clock) once all N are in, with {@code refused REASON} at
 * once to a check-in it cannot take, or with {@code abort REASON} when it gives up waiting.
 */
final class BarrierLines {

    /** Longer lines are no check-in: index 0 reads at most this much from a connection. */
    static final int MAX_LENGTH = 64;

    private static final Pattern CHECK_IN = Pattern.compile("shard (\\d{1,9})/(\\d{1,9})");
    private static final Pattern GO = Pattern.compile("go (\\d{1,18})");

    private BarrierLines() {
    }

    /** A participant's index and the shard count it was started with. */
    record CheckIn(int index, int shards) {
    }

    static String checkIn(int index, int shards) {
        return "shard " + index + "/" + shards + "\n";
    }

    /** The check-in in {@code line} (without its newline), or null when it is none. */
    static CheckIn parseCheckIn(String line) {
        Matcher matcher = CHECK_IN.matcher(line);
        return matcher.matches() ? new CheckIn(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)))
                : null;
    }

    static String go(long startMillis) {
        return "go " + startMillis + "\n";
    }

    static String refused(String reason) {
        return "refused " + reason + "\n";
    }

    static String abort(String reason) {
        return "abort " + reason + "\n";
    }

    /**
     * The agreed start in index 0's answer {@code line}.
     *
     * @throws BarrierException when index 0 refused the check-in or gave up, with its reason, or sent something else
     */
    static long startOf(String line, String participant) throws BarrierException {
        Matcher go = GO.matcher(line);
        if (go.matches()) {
            return Long.parseLong(go.group(1));
        }
        if (line.startsWith("refused ")) {
            throw new BarrierException("index 0 refused " + participant + ": " + line.substring("refused ".length()));
        }
        if (line.startsWith("abort ")) {
            throw new BarrierException(line.substring("abort ".length()));
        }
        throw new BarrierException(participant + " got no start from index 0 but '" + line + "'");
    }
}
