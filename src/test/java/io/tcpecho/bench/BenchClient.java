package io.tcpecho.bench;

import java.util.List;
import java.util.Set;

/**
 * A load client the benchmark runs: the shipped Java one ({@code java -jar quarkus-run.jar load}), or the C client
 * bench/run.sh builds from bench/client/loadc.c as a measuring instrument. The C client has only the plain TCP
 * workloads (bulk, pingpong, churn); TLS, UDP and the idle connections are always the Java client's.
 */
enum BenchClient {
    JAVA("java client"), C("c client");

    private static final Set<String> C_WORKLOADS = Set.of("bulk", "pingpong", "churn");

    /** The name in the report's rows and log. */
    final String label;

    BenchClient(String label) {
        this.label = label;
    }

    /** Whether this client has the workload of the load client's arguments {@code workloadArgs}. */
    boolean runs(List<String> workloadArgs) {
        return this == JAVA || C_WORKLOADS.contains(workloadArgs.get(0)) && !workloadArgs.contains("--tls");
    }
}
