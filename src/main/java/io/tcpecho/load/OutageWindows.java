package io.tcpecho.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The windows in which something was out, as it went down and came up again, in nanoseconds from the run's start. Not
 * thread-safe: its owner orders the calls.
 */
final class OutageWindows {

    /** From {@code start} to {@code end}, nanoseconds from the run's start. */
    record Window(long start, long end) {
        long nanos() {
            return end - start;
        }
    }

    private final List<Window> closed = new ArrayList<>();
    /** When the open window began; negative while up. */
    private long downSince = -1;

    /** Out from {@code at}, unless out already. */
    void down(long at) {
        if (downSince < 0) {
            downSince = at;
        }
    }

    /** Up again at {@code at}: the open window, if any, ends there. */
    void up(long at) {
        if (downSince >= 0) {
            closed.add(new Window(downSince, at));
            downSince = -1;
        }
    }

    /** How long it has been out at {@code now}; 0 while up. */
    long outFor(long now) {
        return downSince < 0 ? 0 : now - downSince;
    }

    /** The windows, one still open ending at {@code end}. */
    List<Window> windows(long end) {
        List<Window> all = new ArrayList<>(closed);
        if (downSince >= 0) {
            all.add(new Window(downSince, Math.max(downSince, end)));
        }
        return all;
    }

    /** {@code windows}, of any order and overlapping, as the disjoint windows that cover the same time, in order. */
    static List<Window> union(List<Window> windows) {
        List<Window> union = new ArrayList<>();
        windows.stream().sorted(Comparator.comparingLong(Window::start)).forEach(window -> {
            Window last = union.isEmpty() ? null : union.get(union.size() - 1);
            if (last != null && window.start() <= last.end()) {
                union.set(union.size() - 1, new Window(last.start(), Math.max(last.end(), window.end())));
            } else {
                union.add(window);
            }
        });
        return union;
    }

    /** The windows' total length, one still open ending at {@code end}. */
    long total(long end) {
        return windows(end).stream().mapToLong(Window::nanos).sum();
    }
}
