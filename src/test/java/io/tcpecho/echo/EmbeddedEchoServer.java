package io.tcpecho.echo;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.echo.ConnectionRegistry.Pool;
import io.tcpecho.fault.FaultMetrics;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.fault.FaultSelection;
import io.tcpecho.fault.FaultSpec;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.testing.HalfClosableChannel;

/**
 * What an echo server's connections share ({@link ConnectionServices}), built from real objects as the server builds
 * them, from properties read by the real configuration mapping, but without Quarkus and Vert.x; and its connections, each
 * on a {@link HalfClosableChannel} whose clock stands still until its test moves it. Its meters are read by their names
 * and labels, as Prometheus exports them, so that a renamed meter or label fails a test instead of reading as 0.
 */
final class EmbeddedEchoServer implements AutoCloseable {

    /** The fault scenario of every connection given faults: a fault port's. */
    static final String SCENARIO = "test";

    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 40_000);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MemoryBudget budget;
    private final ConnectionServices services;
    private final List<HalfClosableChannel> channels = new ArrayList<>();

    EmbeddedEchoServer(Map<String, String> properties) {
        EchoConfig config = new SmallRyeConfigBuilder().withMapping(EchoConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .build().getConfigMapping(EchoConfig.class);
        ConnectionRegistry registry = new ConnectionRegistry(config);
        budget = MemoryBudget.of(config.memoryBudget().map(OptionalLong::of).orElse(OptionalLong.empty()),
                EchoConfig.mostConnections(config));
        FaultMetrics faultMetrics = new FaultMetrics(meters);
        // No TLS listener: it cannot be built without Quarkus' TLS registry, and only TLS connections use it (the Quarkus
        // TLS tests cover those). No access log either: it is off unless configured, and only logs.
        services = new ConnectionServices(config, new EchoMetrics(meters, registry, budget), registry, budget,
                Optional.empty(), null, faultMetrics, new FaultRefusals(faultMetrics), new EventLoopProgress(List.of()));
    }

    /** A connection to the plain echo port. */
    EchoConnection connect() {
        return start(accepted -> accepted.echo(Pool.ECHO, null, FaultSpec.NONE));
    }

    /** A connection to the fault port of {@link #SCENARIO}, whose faults are {@code faults} as the command port writes them. */
    EchoConnection connect(String faults) {
        FaultSpec spec;
        try {
            spec = FaultSelection.command("FAULT " + faults);
        } catch (FaultSelection.Refused refused) {
            throw new IllegalArgumentException(refused.getMessage(), refused);
        }
        return start(accepted -> accepted.echo(Pool.FAULTS, SCENARIO, spec));
    }

    /** A connection of the command port whose selection was refused. */
    EchoConnection refuse(FaultSelection.Refused refused) {
        return start(accepted -> accepted.refuse("command", refused));
    }

    private EchoConnection start(Consumer<AcceptedConnection> route) {
        HalfClosableChannel channel = new HalfClosableChannel();
        channels.add(channel);
        channel.freezeTime();
        route.accept(new AcceptedConnection(channel, ClientOrigin.direct(CLIENT), Optional.empty(), Optional.empty(), services,
                services.metrics().opening(channel)));
        channel.runPendingTasks();
        return new EchoConnection(channel);
    }

    /** Connections accepted but not echoing: answering a refused selection, here. */
    double openingConnections() {
        return meters.get("echo.connections.opening").gauge().value();
    }

    /** Connections open now, as the registry counts them against the limits. */
    int openConnections() {
        return services.registry().size();
    }

    /** Connections counted as opened ({@code echo_connections_opened_total}). */
    double opened() {
        return meters.get("echo.connections.opened").counter().count();
    }

    /** Closes counted, by reason ({@code echo_connections_closed_total}), the reasons never counted left out. */
    Map<String, Double> closes() {
        return counted(meters.get("echo.connections.closed").counters(), "reason");
    }

    /** {@code echo_bytes_<which>_total}: received, sent or dropped. */
    double bytes(String which) {
        return meters.get("echo.bytes." + which).functionCounter().count();
    }

    /** What the faults of {@link #SCENARIO} did ({@code echo_fault_actions_total}), by action. */
    Map<String, Double> faultActions() {
        return counted(meters.find("echo.fault.actions").tag("scenario", SCENARIO).counters(), "action");
    }

    /** Connections given faults of {@link #SCENARIO} ({@code echo_fault_connections_total}), by fault. */
    Map<String, Double> faultConnections() {
        return counted(meters.find("echo.fault.connections").tag("scenario", SCENARIO).counters(), "fault");
    }

    /** Refused fault selections ({@code echo_fault_selections_refused_total}), by {@code via/reason}. */
    Map<String, Double> refusedSelections() {
        Map<String, Double> counted = new TreeMap<>();
        meters.find("echo.fault.selections.refused").counters()
                .forEach(counter -> counted.put(tag(counter, "via") + "/" + tag(counter, "reason"), counter.count()));
        return counted;
    }

    private static Map<String, Double> counted(Iterable<Counter> counters, String label) {
        Map<String, Double> counted = new TreeMap<>();
        for (Counter counter : counters) {
            if (counter.count() > 0) {
                counted.put(tag(counter, label), counter.count());
            }
        }
        return counted;
    }

    private static String tag(Meter meter, String label) {
        String value = meter.getId().getTag(label);
        if (value == null) {
            throw new AssertionError(meter.getId() + " has no label " + label);
        }
        return value;
    }

    /** Bytes held for clients now, as the budget counts them ({@code echo_memory_held_bytes}). */
    long memoryHeld() {
        return budget.held();
    }

    /** Closes what is still open and releases what any connection still holds; fails on a failure none handled. */
    @Override
    public void close() {
        try {
            channels.forEach(HalfClosableChannel::finishAndReleaseAll);
        } finally {
            budget.close();
        }
    }
}
