package io.tcpecho.load;

/** What a workload's run measured, as the command prints it: a table, one JSON object, and whether it failed. */
interface RunReport {

    String table();

    String json();

    /** Why the run failed, in one line; null when it did not. */
    String failureReason();
}
