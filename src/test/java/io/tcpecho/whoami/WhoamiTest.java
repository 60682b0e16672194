package io.tcpecho.whoami;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.testing.EchoClient;
import io.vertx.core.json.JsonObject;

/** The whoami listener without PROXY protocol: one JSON line naming the pod and the client as seen, then EOF. */
@QuarkusTest
class WhoamiTest {

    @Inject
    WhoamiServer whoami;

    @Test
    void eachConnectionGetsOneLineOfJsonThenTheServersFin() throws Exception {
        JsonObject first = ask();
        JsonObject second = ask();
        assertThat(first.getString("pod")).as("outside Kubernetes: the host name").isNotBlank();
        assertThat(first.getString("namespace")).as("no Downward API here").isNull();
        assertThat(first.getString("server")).isEqualTo("127.0.0.1:" + whoami.port());
        assertThat(first.getString("client")).isEqualTo(first.getString("peer")).startsWith("127.0.0.1:");
        assertThat(first.containsKey("proxy")).isTrue();
        assertThat(first.getValue("proxy")).isNull();
        assertThat(Instant.parse(first.getString("started"))).isBefore(Instant.now());
        assertThat(first.getString("version")).isNotBlank();
        assertThat(second.getLong("connection")).isGreaterThan(first.getLong("connection"));
        assertThat(second.getString("started")).isEqualTo(first.getString("started"));
    }

    private JsonObject ask() throws Exception {
        try (EchoClient client = EchoClient.connect(whoami.port())) {
            String reply = new String(client.readToEnd(), StandardCharsets.UTF_8);
            assertThat(reply).as("one line").endsWith("\n").containsOnlyOnce("\n");
            JsonObject json = new JsonObject(reply);
            assertThat(json.getString("client")).isEqualTo("127.0.0.1:" + client.socket().getLocalPort());
            return json;
        }
    }
}
