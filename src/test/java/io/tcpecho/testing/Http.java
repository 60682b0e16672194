package io.tcpecho.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Plain GETs on a management port, for tests that run the service as a process or a container. */
public final class Http {

    private Http() {
    }

    /** The response's status, or -1 when nothing answers (not listening yet, or any more). */
    public static int status(String url) {
        String answer = probe(url);
        return answer.chars().allMatch(Character::isDigit) ? Integer.parseInt(answer) : -1;
    }

    /** The response's status as text, or why there was none (as a kubelet's probe would report it). */
    public static String probe(String url) {
        try {
            HttpURLConnection connection = open(url);
            try {
                return String.valueOf(connection.getResponseCode());
            } finally {
                connection.disconnect();
            }
        } catch (IOException nothingAnswers) {
            return nothingAnswers.toString();
        }
    }

    /** The body of a successful response. */
    public static String body(String url) throws IOException {
        HttpURLConnection connection = open(url);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    private static HttpURLConnection open(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        return connection;
    }
}
