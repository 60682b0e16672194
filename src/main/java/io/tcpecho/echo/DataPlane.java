package io.tcpecho.echo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.inject.Qualifier;

/**
 * The Vert.x instance that carries client traffic (echo, TLS, whoami, fault and UDP ports), apart from Quarkus's own,
 * which serves the management port. See {@link DataPlaneVertx}.
 */
@Qualifier
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE })
public @interface DataPlane {
}
