package io.tcpecho.load;

/**
 * The shards could not start together. The message is one line that says who waited for whom and who is missing or
 * was refused, e.g. {@code index 0 waited 120s; shards 3, 7 never checked in}.
 */
final class BarrierException extends Exception {

    BarrierException(String message) {
        super(message);
    }
}
