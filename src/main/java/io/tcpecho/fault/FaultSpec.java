package io.tcpecho.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faults of a scenario, or of one connection's selection: each key set to a value in its range, and the
 * combination checked. Built from the configuration ({@link #builder()} with typed values) or from text (the command
 * port's faults, an SNI label), with the same checks and words either way.
 */
public final class FaultSpec {

    /** No fault at all (an empty selection): the plain echo. */
    public static final FaultSpec NONE = new FaultSpec(new EnumMap<>(FaultKey.class));

    private final Map<FaultKey, Object> values;

    private FaultSpec(Map<FaultKey, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects values, range-checked as they come; {@link #build} checks how they combine. */
    public static final class Builder {
        private final Map<FaultKey, Object> values = new EnumMap<>(FaultKey.class);
        private final List<String> problems = new ArrayList<>();

        /** Sets {@code key} unless {@code value} is empty (unset in the configuration). */
        public Builder set(FaultKey key, Optional<?> value) {
            value.ifPresent(v -> set(key, v));
            return this;
        }

        public Builder set(FaultKey key, Object value) {
            if (key.kind() == FaultKey.Kind.FLAG && Boolean.FALSE.equals(value)) {
                return this; // a flag set to false is no fault
            }
            String problem = key.check(value);
            if (problem != null) {
                problems.add(key.key() + "=" + problem);
            } else if (values.put(key, value) != null) {
                problems.add(key.key() + " is given twice");
            }
            return this;
        }

        /** Reads {@code text} for {@code key}, as the command port writes it. */
        public Builder parse(FaultKey key, String text) {
            try {
                return set(key, key.parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(key.key() + "=" + e.getMessage());
                return this;
            }
        }

        void problem(String problem) {
            problems.add(problem);
        }

        /** The problems found, each naming its key; empty when the spec is good. */
        public List<String> problems() {
            List<String> all = new ArrayList<>(problems);
            if (all.isEmpty()) {
                all.addAll(combination(values));
            }
            return all;
        }

        /** @throws IllegalArgumentException with the problems, one per line */
        public FaultSpec build() {
            List<String> all = problems();
            if (!all.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", all));
            }
            return values.isEmpty() ? NONE : new FaultSpec(new EnumMap<>(values));
        }
    }

    /** What cannot go together: a refused or stalled connection has no echo to shape, a jitter needs its latency. */
    private static List<String> combination(Map<FaultKey, Object> values) {
        List<String> problems = new ArrayList<>();
        for (FaultKey alone : List.of(FaultKey.REFUSE, FaultKey.TIMEOUT)) {
            if (values.containsKey(alone) && values.keySet().stream().anyMatch(k -> k != alone && k != FaultKey.PROBABILITY)) {
                problems.add(alone.key() + " combines with probability only (the connection gets no echo to shape)");
            }
        }
        Duration jitter = (Duration) values.get(FaultKey.JITTER);
        if (jitter != null && jitter.compareTo((Duration) values.getOrDefault(FaultKey.LATENCY, Duration.ZERO)) > 0) {
            problems.add("jitter=%s is more than latency=%s (a delay cannot be negative)".formatted(
                    FaultKey.JITTER.format(jitter), FaultKey.LATENCY.format(values.getOrDefault(FaultKey.LATENCY, Duration.ZERO))));
        }
        Long variation = (Long) values.get(FaultKey.SLICER_SIZE_VARIATION);
        Long average = (Long) values.get(FaultKey.SLICER_AVERAGE_SIZE);
        if ((variation != null || values.containsKey(FaultKey.SLICER_DELAY)) && average == null) {
            problems.add("slicer.size-variation and slicer.delay need slicer.average-size");
        } else if (variation != null && variation >= average) {
            problems.add("slicer.size-variation=%s must be less than slicer.average-size=%s".formatted(
                    FaultKey.SLICER_SIZE_VARIATION.format(variation), FaultKey.SLICER_AVERAGE_SIZE.format(average)));
        }
        if (values.size() == 1 && values.containsKey(FaultKey.PROBABILITY)) {
            problems.add("probability is given but no fault");
        }
        return problems;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean has(FaultKey key) {
        return values.containsKey(key);
    }

    public Duration duration(FaultKey key) {
        return (Duration) values.getOrDefault(key, Duration.ZERO);
    }

    public OptionalLong bytes(FaultKey key) {
        Long value = (Long) values.get(key);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** The chance that a connection gets these faults, drawn once at its start. */
    public double probability() {
        return (Double) values.getOrDefault(FaultKey.PROBABILITY, 1.0);
    }

    /** The faults set, as the {@code fault} label of the metrics names them ({@code latency}, {@code reset} ...). */
    public Set<String> faults() {
        return values.keySet().stream().map(FaultKey::fault).filter(f -> f != null)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** {@code latency=200ms jitter=50ms limit-data=64KiB}: the syntax of the command port, for logs. */
    @Override
    public String toString() {
        return values.isEmpty() ? "none" : values.entrySet().stream()
                .map(entry -> entry.getKey().key() + "=" + entry.getKey().format(entry.getValue()))
                .collect(Collectors.joining(" "));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FaultSpec spec && spec.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }
}
