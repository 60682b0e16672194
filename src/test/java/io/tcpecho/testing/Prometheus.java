package io.tcpecho.testing;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;

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

    /** The sample's value; 0 when the series is absent. */
    public double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    public boolean has(String series) {
        return samples.containsKey(series);
    }

    public static String closed(String reason) {
        return "echo_connections_closed_total{reason=\"" + reason + "\"}";
    }
}
