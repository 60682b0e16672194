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
        String body = RestAssured.given().get(metrics).then().statusCode(200).extract().asString();
        Map<String, Double> samples = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return new Prometheus(samples);
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
