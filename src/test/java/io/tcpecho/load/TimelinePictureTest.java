package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code load steady --picture}: the SVG parses as XML, has a point per second of the run in each series, with the
 * timeline's figures, and a band per outage window with the report's start and end, read from the elements' data
 * attributes rather than from pixels.
 */
class TimelinePictureTest {

    private static final List<String> SERIES = List.of("active", "echoes", "broken", "failed-connects");

    @Test
    void eachSeriesHasTheTimelinesFigureForEachSecondAndEachWindowItsBand() throws Exception {
        List<JsonObject> seconds = List.of(
                second(0, 3, 150, new JsonObject(), 0),
                second(1, 2, 120, new JsonObject().put("reset", 1).put("server-fin-between-messages", 4), 2),
                second(2, 3, 149, new JsonObject().put("stalled", 1).put("server-fin-in-flight", 2), 0),
                second(3, 0, 12, new JsonObject().put("client-closed", 3), 0));
        JsonObject report = report("10.0.0.1:7007", false, "over budget: broken connections 4 > 0 (by 4) & <more>",
                windows(1.25, 1.75), windows(1.003, 1.5, 2.25, 2.4));

        Document picture = parse(TimelinePicture.draw(seconds, report));

        assertThat(values(picture, "active")).containsExactly(3L, 2L, 3L, 0L);
        assertThat(values(picture, "echoes")).containsExactly(150L, 120L, 149L, 12L);
        assertThat(values(picture, "broken")).as("resets, stalls and FINs in flight; no graceful end")
                .containsExactly(0L, 1L, 3L, 0L);
        assertThat(values(picture, "failed-connects")).containsExactly(0L, 2L, 0L, 0L);
        assertThat(bands(picture, "new-connections")).containsExactly(List.of(1.25, 1.75));
        assertThat(bands(picture, "established")).containsExactly(List.of(1.003, 1.5), List.of(2.25, 2.4));
        assertThat(title(picture)).isEqualTo("steady against 10.0.0.1:7007: FAILED: over budget: broken connections 4 > 0 "
                + "(by 4) & <more>");
    }

    @Test
    void aRunWithResetsDrawsTheTimelineItWroteAndTheReportsWindows() throws Exception {
        Path dir = Files.createTempDirectory("steady-picture");
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.RESET)) {
            // The server resets each connection after ten echoes: each reset opens a window of established connections.
            Outcome outcome = steady(server.target(), dir, "-c", "2", "-m", "1000", "-r", "100", "-d", "3s");
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            JsonObject report = new JsonObject(outcome.out().strip());
            assertThat(report.getJsonObject("ended").getLong("reset")).isPositive();
            assertDrawnAsReported(dir, report);
        } finally {
            deleteAll(dir);
        }
    }

    @Test
    void aRunThatNeverConnectsIsOneWindowOfEachKindOverTheWholeRun() throws Exception {
        Path dir = Files.createTempDirectory("steady-picture");
        try {
            Outcome outcome = steady("127.0.0.1:" + ServerProcess.freePort(), dir, "-c", "1", "-d", "2s",
                    "--max-failed-connects", "0");
            assertThat(outcome.exit()).isEqualTo(1);
            JsonObject report = new JsonObject(outcome.out().strip());
            Document picture = assertDrawnAsReported(dir, report);
            assertThat(bands(picture, "new-connections")).hasSize(1);
            assertThat(bands(picture, "established")).containsExactly(List.of(0.0, report.getDouble("seconds")));
            assertThat(values(picture, "active")).containsOnly(0L);
            assertThat(values(picture, "failed-connects")).anySatisfy(n -> assertThat(n).isPositive());
            assertThat(title(picture)).startsWith("steady against 127.0.0.1:").contains(": FAILED: over budget: failed connects");
        } finally {
            deleteAll(dir);
        }
    }

    private static Outcome steady(String target, Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of("steady", "--target", target, "--timeout", "2s", "--progress", "0",
                "--probe-interval", "200ms", "--format", "json", "--timeline", dir.resolve("timeline.jsonl").toString(),
                "--picture", dir.resolve("timeline.svg").toString()));
        all.addAll(List.of(args));
        return LoadClient.run(all.toArray(String[]::new));
    }

    /** The picture has a point per line of the timeline in each series, with its figures, and the report's windows. */
    private static Document assertDrawnAsReported(Path dir, JsonObject report) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("timeline.jsonl"));
        Document picture = parse(Files.readString(dir.resolve("timeline.svg")));
        assertThat(lines).isNotEmpty();
        for (String series : SERIES) {
            assertThat(seconds(picture, series)).as(series + ": one point per second of the run")
                    .isEqualTo(LongStream.range(0, lines.size()).boxed().toList());
        }
        List<Long> active = new ArrayList<>();
        List<Long> echoes = new ArrayList<>();
        for (String line : lines) {
            active.add(new JsonObject(line).getLong("active"));
            echoes.add(new JsonObject(line).getLong("messages"));
        }
        assertThat(values(picture, "active")).isEqualTo(active);
        assertThat(values(picture, "echoes")).isEqualTo(echoes);
        assertThat(bands(picture, "new-connections")).isEqualTo(windowsOf(report, "newConnections"));
        assertThat(bands(picture, "established")).isEqualTo(windowsOf(report, "establishedConnections"));
        return picture;
    }

    private static List<List<Double>> windowsOf(JsonObject report, String connections) {
        List<List<Double>> windows = new ArrayList<>();
        JsonArray outages = report.getJsonObject(connections).getJsonArray("outages");
        for (int i = 0; i < outages.size(); i++) {
            JsonObject window = outages.getJsonObject(i);
            windows.add(List.of(window.getDouble("startSeconds"), window.getDouble("endSeconds")));
        }
        return windows;
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        return document;
    }

    /** The elements of a series, in order: its points or bars. */
    private static List<Element> points(Document picture, String series) {
        List<Element> groups = elements(picture, "g").stream().filter(g -> series.equals(g.getAttribute("data-series")))
                .toList();
        assertThat(groups).as("the series " + series).hasSize(1);
        List<Element> points = new ArrayList<>();
        NodeList children = groups.get(0).getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && child.hasAttribute("data-second")) {
                points.add(child);
            }
        }
        return points;
    }

    private static List<Long> seconds(Document picture, String series) {
        return points(picture, series).stream().map(p -> Long.parseLong(p.getAttribute("data-second"))).toList();
    }

    private static List<Long> values(Document picture, String series) {
        return points(picture, series).stream().map(p -> Long.parseLong(p.getAttribute("data-value"))).toList();
    }

    /** The bands of one kind of outage, each as its start and end in seconds. */
    private static List<List<Double>> bands(Document picture, String kind) {
        return elements(picture, "rect").stream().filter(r -> kind.equals(r.getAttribute("data-kind")))
                .map(r -> List.of(Double.parseDouble(r.getAttribute("data-start")),
                        Double.parseDouble(r.getAttribute("data-end"))))
                .toList();
    }

    private static String title(Document picture) {
        return elements(picture, "text").stream().filter(t -> t.hasAttribute("data-verdict")).findFirst().orElseThrow()
                .getTextContent();
    }

    private static List<Element> elements(Document picture, String tag) {
        NodeList nodes = picture.getElementsByTagName(tag);
        List<Element> all = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            all.add((Element) nodes.item(i));
        }
        return all;
    }

    private static JsonObject second(long index, long active, long messages, JsonObject ended, long failedConnects) {
        return new JsonObject().put("second", index).put("active", active).put("new", 0).put("ended", ended)
                .put("failedConnects", failedConnects).put("probesOk", 1).put("probesFailed", 0)
                .put("messages", messages).put("rttP99Micros", null);
    }

    private static JsonObject report(String target, boolean ok, String failure, JsonArray newOutages,
            JsonArray establishedOutages) {
        return new JsonObject().put("target", target).put("ok", ok).put("failure", failure).put("seconds", 3.512)
                .put("startedAt", "2026-12-03T20:00:00Z").put("broken", 4).put("lostBytes", 2000)
                .put("failedConnects", new JsonObject().put("total", 2))
                .put("newConnections", new JsonObject().put("outages", newOutages))
                .put("establishedConnections", new JsonObject().put("outages", establishedOutages));
    }

    /** Outage windows as the report writes them, from pairs of start and end. */
    private static JsonArray windows(double... startsAndEnds) {
        JsonArray windows = new JsonArray();
        for (int i = 0; i < startsAndEnds.length; i += 2) {
            windows.add(new JsonObject().put("startSeconds", startsAndEnds[i]).put("endSeconds", startsAndEnds[i + 1]));
        }
        return windows;
    }

    private static void deleteAll(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
