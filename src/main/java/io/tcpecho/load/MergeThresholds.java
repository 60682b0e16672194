package io.tcpecho.load;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tcpecho.load.LoadConverters.DurationConverter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code load merge}'s thresholds, judged on the merged result: a threshold not given is not checked; one not met
 * fails the merge (exit status 1), named with the value.
 */
final class MergeThresholds {

    @Option(names = "--max-p99", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Fail above this 99th percentile of the merged latencies, e.g. 2ms.")
    Long p99Nanos;

    @Option(names = "--min-throughput", paramLabel = "RATE", converter = ThroughputConverter.class,
            description = "Fail below this merged throughput, in MiB/s, msgs/s or conns/s, e.g. 900MiB/s.")
    Throughput throughput;

    @Option(names = "--max-errors", paramLabel = "N", description = "Fail above N errors in all shards.")
    Long errors;

    /** A rate in one of the units a result reports. */
    record Throughput(double value, String unit) {
        double of(LoadResult result) {
            return switch (unit) {
                case "MiB/s" -> result.mibPerSecond();
                case "msgs/s" -> result.messagesPerSecond();
                default -> result.connectionsPerSecond();
            };
        }

        @Override
        public String toString() {
            return LoadResult.number(value) + " " + unit;
        }
    }

    static final class ThroughputConverter implements ITypeConverter<Throughput> {
        private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(MiB/s|msgs/s|conns/s)");

        @Override
        public Throughput convert(String value) {
            Matcher matcher = RATE.matcher(value.strip());
            if (!matcher.matches()) {
                throw new TypeConversionException("'" + value + "' is not a rate such as 900MiB/s, 150000msgs/s or 200conns/s");
            }
            return new Throughput(Double.parseDouble(matcher.group(1)), matcher.group(2));
        }
    }

    /** Each threshold given, on {@code merged}: what, the limit, the value, and whether it was met. */
    JsonArray check(LoadResult merged) {
        JsonArray checked = new JsonArray();
        if (p99Nanos != null) {
            double p99 = merged.micros(99);
            checked.add(judged("p99", "at most " + LoadResult.number(p99Nanos / 1000.0) + " us",
                    LoadResult.number(p99) + " us", p99 * 1000 <= p99Nanos));
        }
        if (throughput != null) {
            double rate = throughput.of(merged);
            checked.add(judged("throughput", "at least " + throughput, LoadResult.number(rate) + " " + throughput.unit(),
                    rate >= throughput.value()));
        }
        if (errors != null) {
            checked.add(judged("errors", "at most " + errors, Long.toString(merged.errors()), merged.errors() <= errors));
        }
        return checked;
    }

    private static JsonObject judged(String what, String limit, String value, boolean met) {
        return new JsonObject().put("what", what).put("limit", limit).put("value", value).put("met", met);
    }

    /** One line of a check: {@code p99 at most 2000 us: 2512.5 us, not met}. */
    static String describe(JsonObject check) {
        return String.format(Locale.ROOT, "%s %s: %s, %s", check.getString("what"), check.getString("limit"),
                check.getString("value"), check.getBoolean("met") ? "met" : "NOT met");
    }
}
