package io.tcpecho.fault;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A fault as the rest of the server knows it, declared next to its unit in the unit's own file (Toxiproxy's toxic and
 * its registration in one): its name (the {@code fault} label of the metrics), its keys, the first of which turns it
 * on, how it combines with others, what it counts as having done, and the {@link Fault} a connection gets of it.
 * {@link FaultTypes} lists them all.
 *
 * @param name the {@code fault} label of {@code echo_fault_connections_total}
 * @param keys its keys; the first turns it on, the others only shape it
 * @param unit the fault a connection gets, from a spec that has the first key
 * @param alone whether it combines with {@link FaultKey#PROBABILITY} only (the connection gets no echo to shape)
 * @param rule what is wrong with a spec that has any of its keys, beyond each value's range
 * @param actions the {@code action} labels of {@code echo_fault_actions_total} it counts
 * @param expectation what a client sees of it, made of a spec of its first key: the load client's {@code --expect};
 *        null when a client cannot tell it for sure
 */
record FaultType(String name, List<FaultKey<?>> keys, Function<FaultSpec, Fault> unit, boolean alone,
        Function<FaultSpec, Optional<String>> rule, List<String> actions, Function<FaultSpec, Expectation> expectation) {

    /** A fault of one key, whose unit is made of that key's value. */
    static <T> FaultType of(String name, FaultKey<T> key, Function<T, Fault> unit) {
        return of(name, spec -> unit.apply(spec.get(key).orElseThrow()), key);
    }

    /** A fault of several keys, the first of which turns it on. */
    static FaultType of(String name, Function<FaultSpec, Fault> unit, FaultKey<?>... keys) {
        return new FaultType(name, List.of(keys), unit, false, spec -> Optional.empty(), List.of(), null);
    }

    FaultType onlyWithProbability() {
        return new FaultType(name, keys, unit, true, rule, actions, expectation);
    }

    FaultType checking(Function<FaultSpec, Optional<String>> rule) {
        return new FaultType(name, keys, unit, alone, rule, actions, expectation);
    }

    FaultType counting(String... actions) {
        return new FaultType(name, keys, unit, alone, rule, List.of(actions), expectation);
    }

    /** What a client sees of it, made of the value of {@code key}, its first. */
    <T> FaultType expecting(FaultKey<T> key, Function<T, Expectation> expectation) {
        return new FaultType(name, keys, unit, alone, rule, actions, spec -> expectation.apply(spec.get(key).orElseThrow()));
    }

    /** Whether {@code spec} turns it on, so that a connection gets its unit. */
    boolean on(FaultSpec spec) {
        return spec.has(keys.get(0));
    }

    /** Whether {@code spec} sets any of its keys. */
    boolean in(FaultSpec spec) {
        return keys.stream().anyMatch(spec::has);
    }
}
