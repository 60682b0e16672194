package io.tcpecho.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code --picture FILE}: {@code steady}'s timeline as a self-contained SVG image, drawn from the timeline's seconds
 * (the lines {@code --timeline} writes) and the report: connections up, echoes, and broken connections and failed
 * connects per second, in three panels over one axis of seconds from the start, with the outage windows of new and of
 * established connections as shaded bands, a legend, and a title with the target and the verdict. Nothing is fetched
 * when it opens: no scripts, no fonts, no styles from elsewhere.
 * <p>
 * The figures are in the elements too, for a reader that is no eye: each point or bar has {@code data-second} and
 * {@code data-value} in a group with {@code data-series}, and each band {@code data-kind}, {@code data-start} and
 * {@code data-end} in seconds, as the report has them.
 */
final class TimelinePicture {

    /** A series of the picture: its name in the elements, its words in the legend, its colour, its figure per second. */
    private record Series(String name, String label, String colour, ToLongFunction<JsonObject> value) {
    }

    /** The outages of new connections and of established ones, as the report names them. */
    private record Bands(String kind, String label, String colour, String reportField) {
    }

    private static final Series ACTIVE = new Series("active", "connections up", "#1f77b4", s -> s.getLong("active"));
    private static final Series ECHOES = new Series("echoes", "echoes per second", "#2ca02c", s -> s.getLong("messages"));
    private static final Series BROKEN = new Series("broken", "broken connections per second", "#d62728",
            TimelinePicture::broken);
    private static final Series FAILED = new Series("failed-connects", "failed connects per second", "#9467bd",
            s -> s.getLong("failedConnects"));
    private static final List<Bands> BANDS = List.of(
            new Bands("new-connections", "outage of new connections", "#ff7f0e", "newConnections"),
            new Bands("established", "outage of established connections", "#8c564b", "establishedConnections"));

    private static final int WIDTH = 1000;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 70;
    private static final int PANEL_HEIGHT = 140;
    private static final int PANEL_GAP = 30;
    private static final int PANELS = 3;
    private static final int PLOT_BOTTOM = TOP + PANELS * PANEL_HEIGHT + (PANELS - 1) * PANEL_GAP;
    private static final int HEIGHT = PLOT_BOTTOM + 100;

    private final List<JsonObject> seconds;
    private final JsonObject report;
    /** The seconds the axis spans: the whole run, and each second of the timeline. */
    private final double span;
    private final StringBuilder svg = new StringBuilder();

    private TimelinePicture(List<JsonObject> seconds, JsonObject report) {
        this.seconds = seconds;
        this.report = report;
        this.span = Math.max(1, Math.max(seconds.size(), report.getDouble("seconds")));
    }

    /** Writes the picture of {@code seconds} (the timeline's lines, in order) and {@code report} to {@code file}. */
    static void write(Path file, List<JsonObject> seconds, JsonObject report) throws IOException {
        Files.writeString(file, draw(seconds, report), StandardCharsets.UTF_8);
    }

    /** The picture as SVG text. */
    static String draw(List<JsonObject> seconds, JsonObject report) {
        return new TimelinePicture(seconds, report).draw();
    }

    /** A second's broken connections: its endings that are breaks, whatever their cause. */
    private static long broken(JsonObject second) {
        long broken = 0;
        for (Ending ending : Ending.values()) {
            if (ending.broken()) {
                broken += second.getJsonObject("ended").getLong(ending.label, 0L);
            }
        }
        return broken;
    }

    private String draw() {
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(f("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        title();
        for (Bands bands : BANDS) {
            bands(bands);
        }
        lines(0, List.of(ACTIVE), "connections up");
        lines(1, List.of(ECHOES), "echoes per second");
        bars(2, List.of(BROKEN, FAILED), "broken connections and failed connects per second");
        secondsAxis();
        legend();
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void title() {
        boolean ok = report.getBoolean("ok");
        String verdict = ok ? "OK" : "FAILED: " + report.getString("failure");
        text(LEFT, 24, "start", "font-size=\"16\" font-weight=\"bold\" data-verdict=\"" + (ok ? "ok" : "failed") + "\"",
                "steady against " + report.getString("target") + ": " + verdict);
        text(LEFT, 44, "start", "fill=\"#555\"", f("%.3f s from %s; %d broken, %d bytes lost, %d failed connects",
                report.getDouble("seconds"), report.getString("startedAt"), report.getLong("broken"),
                report.getLong("lostBytes"), report.getJsonObject("failedConnects").getLong("total")));
    }

    /** One band per outage window of the report, across all the panels. */
    private void bands(Bands bands) {
        JsonArray windows = report.getJsonObject(bands.reportField()).getJsonArray("outages");
        svg.append(f("<g data-outages=\"%s\" fill=\"%s\" fill-opacity=\"0.3\">%n", bands.kind(), bands.colour()));
        for (int i = 0; i < windows.size(); i++) {
            JsonObject window = windows.getJsonObject(i);
            double start = window.getDouble("startSeconds");
            double end = window.getDouble("endSeconds");
            // A window shorter than a pixel is drawn a pixel wide, so that it is seen.
            double width = Math.max(1, x(end) - x(start));
            svg.append(f("<rect data-kind=\"%s\" data-start=\"%s\" data-end=\"%s\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
                    + "height=\"%d\"><title>%s: %.3f s to %.3f s (%.3f s)</title></rect>%n", bands.kind(), number(start),
                    number(end), x(start), TOP, width, PLOT_BOTTOM - TOP, bands.label(), start, end, end - start));
        }
        svg.append("</g>\n");
    }

    /** A panel of series drawn as lines through a point per second, at the middle of the second. */
    private void lines(int panel, List<Series> series, String axisLabel) {
        long max = panel(panel, series, axisLabel);
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int i = 0; i < seconds.size(); i++) {
                long value = s.value().applyAsLong(seconds.get(i));
                double px = x(i + 0.5);
                double py = y(panel, value, max);
                points.append(f("%.2f,%.2f ", px, py));
                marks.append(f("<circle data-second=\"%d\" data-value=\"%d\" cx=\"%.2f\" cy=\"%.2f\" r=\"2\">"
                        + "<title>second %d: %d %s</title></circle>%n", i, value, px, py, i, value, s.label()));
            }
            svg.append(f("<g data-series=\"%s\" fill=\"%s\" stroke=\"%s\">%n", s.name(), s.colour(), s.colour()));
            svg.append(f("<polyline points=\"%s\" fill=\"none\" stroke-width=\"1.5\"/>%n", points.toString().strip()));
            svg.append(marks).append("</g>\n");
        }
    }

    /** A panel of series drawn as bars side by side within each second. */
    private void bars(int panel, List<Series> series, String axisLabel) {
        long max = panel(panel, series, axisLabel);
        double slot = (x(1) - x(0)) / series.size();
        for (int n = 0; n < series.size(); n++) {
            Series s = series.get(n);
            svg.append(f("<g data-series=\"%s\" fill=\"%s\">%n", s.name(), s.colour()));
            for (int i = 0; i < seconds.size(); i++) {
                long value = s.value().applyAsLong(seconds.get(i));
                double top = y(panel, value, max);
                svg.append(f("<rect data-second=\"%d\" data-value=\"%d\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                        + "height=\"%.2f\"><title>second %d: %d %s</title></rect>%n", i, value, x(i) + n * slot, top,
                        Math.max(0.5, slot * 0.9), y(panel, 0, max) - top, i, value, s.label()));
            }
            svg.append("</g>\n");
        }
    }

    /** The panel's frame, its value axis (0, half and the top) and label; returns the top of its scale. */
    private long panel(int panel, List<Series> series, String axisLabel) {
        long max = 1;
        for (Series s : series) {
            max = Math.max(max, seconds.stream().mapToLong(s.value()).max().orElse(0));
        }
        max = roundUp(max);
        int top = panelTop(panel);
        svg.append(f("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, top,
                WIDTH - LEFT - RIGHT, PANEL_HEIGHT));
        for (long tick : new long[] { 0, max / 2, max }) {
            double ty = y(panel, tick, max);
            svg.append(f("<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#ddd\"/>%n", LEFT, ty,
                    WIDTH - RIGHT, ty));
            text(LEFT - 6, ty + 4, "end", "", Long.toString(tick));
        }
        text(LEFT + 6, top + 14, "start", "fill=\"#333\"", axisLabel);
        return max;
    }

    /** The axis of seconds from the start under the panels, with a grid line at each tick. */
    private void secondsAxis() {
        double step = tickStep(span);
        for (double t = 0; t <= span + 1e-9; t += step) {
            double tx = x(t);
            svg.append(f("<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#eee\"/>%n", tx, TOP, tx,
                    PLOT_BOTTOM));
            text(tx, PLOT_BOTTOM + 16, "middle", "", number(t));
        }
        text((LEFT + WIDTH - RIGHT) / 2.0, PLOT_BOTTOM + 34, "middle", "", "seconds from the start");
    }

    private void legend() {
        double lx = LEFT;
        double ly = PLOT_BOTTOM + 60;
        for (Series s : List.of(ACTIVE, ECHOES, BROKEN, FAILED)) {
            lx = swatch(lx, ly, s.colour(), "1", s.label());
        }
        lx = LEFT;
        for (Bands bands : BANDS) {
            lx = swatch(lx, ly + 20, bands.colour(), "0.3", bands.label());
        }
    }

    private double swatch(double lx, double ly, String colour, String opacity, String label) {
        svg.append(f("<rect x=\"%.2f\" y=\"%.2f\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"%s\"/>%n", lx,
                ly - 10, colour, opacity));
        text(lx + 16, ly, "start", "", label);
        return lx + 40 + 7 * label.length();
    }

    private void text(double tx, double ty, String anchor, String attributes, String content) {
        svg.append(f("<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" %s>%s</text>%n", tx, ty, anchor, attributes,
                escape(content)));
    }

    private double x(double second) {
        return LEFT + second / span * (WIDTH - LEFT - RIGHT);
    }

    private static int panelTop(int panel) {
        return TOP + panel * (PANEL_HEIGHT + PANEL_GAP);
    }

    private static double y(int panel, long value, long max) {
        return panelTop(panel) + PANEL_HEIGHT - (double) value / max * (PANEL_HEIGHT - 20);
    }

    /** The top of a scale: 1, 2 or 5 times a power of ten, at least {@code max}. */
    private static long roundUp(long max) {
        long power = 1;
        while (true) {
            for (long m : new long[] { 1, 2, 5 }) {
                if (m * power >= max) {
                    return m * power;
                }
            }
            power *= 10;
        }
    }

    /** Seconds between ticks: at most about ten of them over the run. */
    private static double tickStep(double span) {
        for (double step : new double[] { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 }) {
            if (span / step <= 10) {
                return step;
            }
        }
        return 3600 * Math.ceil(span / 36000);
    }

    /** A number as the report writes it: {@code 1.25}, {@code 3} for a whole one. */
    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
