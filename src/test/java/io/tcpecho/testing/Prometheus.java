package io.tcpecho.testing;

import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.restassured.RestAssured;

/** Scrapes the real {@code /q/metrics} endpoint and reads samples by their exposition name. */
public final class Prometheus {

    private final Map<String, Double> samples;

    private Prometheus(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static Prometheus scrape(URL metrics) {
        return parse(RestAssured.given().get(metrics).then().statusCode(200).extract().asString());
    }

    /** Reads a scrape in the text exposition format; {@code {a="b",}} and {@code {a="b"}} name the same series. */
    public static Prometheus parse(String body) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
        }
        return new Prometheus(samples);
    }

    /** The samples whose series name starts with {@code prefix}, as {@code name value} lines, for messages. */
    public String describe(String prefix) {
        return samples.entrySet().stream().filter(sample -> sample.getKey().startsWith(prefix)).sorted(Map.Entry.comparingByKey())
                .map(sample -> sample.getKey() + " " + sample.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * The sample's value. A series that is not in the scrape fails the test, naming the series and the ones of the
     * same metric that are there: a renamed metric or label must not read as 0.
     */
    public double value(String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError("no series " + series + " in the scrape; " + similar(series));
        }
        return value;
    }

    /**
     * The sample's value, or 0 when the series is absent: only for a series that is legitimately not there yet, such
     * as a counter Micrometer registers at its first increment, read before that. Say why at the call.
     */
    public double valueOrZero(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** The series of the same metric (its name before any labels), else those of its first two words, for messages. */
    private String similar(String series) {
        String metric = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        List<String> same = names(name -> name.equals(metric) || name.startsWith(metric + "{"));
        if (!same.isEmpty()) {
            return "of " + metric + " there are: " + String.join(", ", same);
        }
        int first = metric.indexOf('_');
        int second = first < 0 ? -1 : metric.indexOf('_', first + 1);
        String stem = second < 0 ? metric : metric.substring(0, second);
        List<String> near = names(name -> name.startsWith(stem));
        return near.isEmpty() ? "nor any series named " + stem + "*" : "series named " + stem + "* are: " + String.join(", ", near);
    }

    private List<String> names(Predicate<String> which) {
        return samples.keySet().stream().filter(which).sorted().limit(40).toList();
    }

    public boolean has(String series) {
        return samples.containsKey(series);
    }

    public static String closed(String reason) {
        return "echo_connections_closed_total{reason=\"" + reason + "\"}";
    }
}
