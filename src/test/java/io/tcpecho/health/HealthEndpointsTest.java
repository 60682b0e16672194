package io.tcpecho.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.net.URL;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.echo.EchoServer;

/** The probes Kubernetes uses, over real HTTP on the management port (its URLs start at its root path, /q). */
@QuarkusTest
class HealthEndpointsTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/started", management = true)
    URL started;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void livenessReportsEveryEventLoopResponsive() {
        given().get(live).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'event-loops' }.data.stalled", equalTo(0));
    }

    @Test
    void readinessReportsTheBoundListener() {
        given().get(ready).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'echo-listener' }.data.port", equalTo(server.port()))
                .body("checks.find { it.name == 'echo-listener' }.data.instances", equalTo(server.instances()));
    }

    @Test
    void startedOnceTheListenerIsBound() {
        given().get(started).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("echo-started"));
    }

    @Test
    void prometheusMetricsAreOnTheManagementPort() {
        given().get(metrics).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("echo_connections_active"))
                .body(org.hamcrest.Matchers.containsString("echo_connections_closed_total{reason=\"over_limit\"}"));
    }
}
