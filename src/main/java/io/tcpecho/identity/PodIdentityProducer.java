package io.tcpecho.identity;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The pod's identity, read once at start-up. */
final class PodIdentityProducer {

    @Produces
    @Singleton
    PodIdentity podIdentity() {
        return PodIdentity.fromEnvironment();
    }
}
