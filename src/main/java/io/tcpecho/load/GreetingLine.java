package io.tcpecho.load;

/** The line a server sends before the echo, without its line end: the event {@link GreetingLineReader} fires. */
record GreetingLine(String text) {
}
