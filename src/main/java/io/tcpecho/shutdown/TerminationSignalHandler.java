package io.tcpecho.shutdown;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import sun.misc.Signal;

/**
 * Treats SIGTERM as what Kubernetes means by it, a request to stop: the same graceful shutdown, and exit
 * status 0 when it completes. Left to the JVM, SIGTERM runs the shutdown hooks too but ends the process
 * with status 143, which reads as a failure.
 */
@Singleton
public class TerminationSignalHandler {

    void install(@Observes StartupEvent startup) {
        // Dev mode and tests share their JVM with Maven or the test runner, whose signals are not ours.
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        }
    }
}
