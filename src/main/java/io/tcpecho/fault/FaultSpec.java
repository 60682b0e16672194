package io.tcpecho.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The faults of a scenario, or of one connection's selection: each key set to a value in its range, and the
 * combination checked. Built from text (the configuration's values, the command port's faults, an SNI
 * label) or typed values, with the same checks and words either way.
 */
public final class FaultSpec {

    /** No fault at all (an empty selection): the plain echo. */
    public static final FaultSpec NONE = new FaultSpec(Map.of());

    /** In {@link FaultTypes#KEYS}' order, so that a spec is written back the same whatever order it was given in. */
    private final Map<FaultKey<?>, Object> values;

    private FaultSpec(Map<FaultKey<?>, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects values, range-checked as they come; {@link #build} checks how they combine. */
    public static final class Builder {
        private final Map<FaultKey<?>, Object> values = new HashMap<>();
        private final List<String> problems = new ArrayList<>();

        public <T> Builder set(FaultKey<T> key, T value) {
            if (key.none(value)) {
                return this; // a flag set to false, a probability of 1: no fault
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
        public <T> Builder parse(FaultKey<T> key, String text) {
            T value;
            try {
                value = key.parse(text);
            } catch (IllegalArgumentException e) {
                problems.add(key.key() + "=" + e.getMessage());
                return this;
            }
            return set(key, value);
        }

        /** A problem found outside the values, such as a key that is none of the faults'. */
        Builder problem(String problem) {
            problems.add(problem);
            return this;
        }

        /** The problems found, each naming its key; empty when the spec is good. */
        public List<String> problems() {
            List<String> all = new ArrayList<>(problems);
            if (all.isEmpty()) {
                all.addAll(ordered().combination());
            }
            return all;
        }

        /** @throws IllegalArgumentException with the problems, one per line */
        public FaultSpec build() {
            List<String> all = problems();
            if (!all.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", all));
            }
            return values.isEmpty() ? NONE : ordered();
        }

        private FaultSpec ordered() {
            Map<FaultKey<?>, Object> ordered = new LinkedHashMap<>();
            FaultTypes.KEYS.stream().filter(values::containsKey).forEach(key -> ordered.put(key, values.get(key)));
            return new FaultSpec(ordered);
        }
    }

    /** What cannot go together: each fault's own rule, and a fault that wants a connection to itself. */
    private List<String> combination() {
        List<String> problems = new ArrayList<>();
        for (FaultType type : FaultTypes.ALL) {
            if (!type.in(this)) {
                continue;
            }
            if (type.alone() && values.keySet().stream()
                    .anyMatch(key -> key != FaultKey.PROBABILITY && !type.keys().contains(key))) {
                problems.add(type.keys().get(0).key() + " combines with probability only (the connection gets no echo to shape)");
            }
            type.rule().apply(this).ifPresent(problems::add);
        }
        if (values.size() == 1 && values.containsKey(FaultKey.PROBABILITY)) {
            problems.add("probability is given but no fault");
        }
        return problems;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean has(FaultKey<?> key) {
        return values.containsKey(key);
    }

    public <T> Optional<T> get(FaultKey<T> key) {
        return Optional.ofNullable(key.cast(values.get(key)));
    }

    /** The chance that a connection gets these faults, drawn once at its start. */
    public double probability() {
        return get(FaultKey.PROBABILITY).orElse(1.0);
    }

    /** The units a connection gets of these faults, in {@link FaultTypes}' order. */
    List<Fault> units() {
        return FaultTypes.ALL.stream().filter(type -> type.on(this)).map(type -> type.unit().apply(this)).toList();
    }

    /** The faults set, as the {@code fault} label of the metrics names them ({@code latency}, {@code reset} ...). */
    public Set<String> faults() {
        return FaultTypes.ALL.stream().filter(type -> type.in(this)).map(FaultType::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** {@code latency=200ms jitter=50ms limit-data=64KiB}: the syntax of the command port, for logs. */
    @Override
    public String toString() {
        return values.isEmpty() ? "none" : values.keySet().stream().map(key -> key.key() + "=" + format(key))
                .collect(Collectors.joining(" "));
    }

    private <T> String format(FaultKey<T> key) {
        return key.format(key.cast(values.get(key)));
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
