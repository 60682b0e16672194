package io.tcpecho.testing;

import java.io.IOException;

/**
 * Pods behind a balancer that sends new connections to those in its rotation, as a drill runs them: a Service's
 * dataplane ({@link ServiceDataplane}) or HAProxy. Each decides on its own, from the pods' readiness, which pods are in.
 */
public interface Rotation {

    /** Starts a pod of that name; it joins the rotation once it is ready. */
    Pod start(String name) throws IOException;

    /** Waits until the balancer sends new connections to {@code pod}. */
    void awaitIn(Pod pod);

    /** Waits until the balancer sends no new connection to {@code pod}. */
    void awaitOut(Pod pod);
}
