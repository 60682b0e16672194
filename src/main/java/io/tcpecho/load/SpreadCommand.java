package io.tcpecho.load;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.tcpecho.load.LoadConverters.BindConverter;
import io.tcpecho.load.LoadConverters.DurationConverter;
import io.tcpecho.load.LoadConverters.TargetConverter;
import io.tcpecho.load.LoadOptions.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code load spread}: {@code -c} connections to a whoami port through a load balancer; each answer names the pod that
 * took it. Reports connections per pod, how evenly they were spread and how fast each pod's connections were set
 * up ({@link SpreadReport}). What a user runs after {@code helm install} to see the load balancer work. As shard I of
 * N ({@code --shard}) it opens its share of the connections, its share of {@code -p} at a time, after the others are
 * ready if there is a {@code --barrier}; {@code load merge} adds the shards' reports into the run's.
 */
@Command(name = "spread", mixinStandardHelpOptions = true,
        description = "Connections to a whoami port (echo.whoami.port): which pods answered, how evenly, how fast.")
final class SpreadCommand implements Callable<Integer> {

    private static final int MAX_REPLY = 64 * 1024;

    @Spec
    CommandSpec spec;

    @Option(names = { "-t", "--target" }, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7008",
            converter = TargetConverter.class, description = "Whoami listener, usually the load balancer's (default: ${DEFAULT-VALUE}).")
    InetSocketAddress target;

    private static final int DEFAULT_CONNECTIONS = 100;

    @Option(names = { "-c", "--connections" }, paramLabel = "N", description = "Connections (default: " + DEFAULT_CONNECTIONS + ").")
    Integer connectionsOption;

    /** spread's name for -c before the workloads agreed on one, kept for the scripts that use it. */
    @Option(names = "-n", hidden = true, paramLabel = "N")
    Integer connectionsByTheOldName;

    private int connections;

    @Option(names = { "-p", "--parallel" }, paramLabel = "P", defaultValue = "1",
            description = "Connections at a time (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--bind", paramLabel = "HOST[:PORT]", converter = BindConverter.class, description = "Local address to connect from; with a port, every "
            + "connection reuses that source port (needs --parallel 1), as a client behind one NAT mapping would.")
    InetSocketAddress bind;

    @Option(names = "--expect-pods", paramLabel = "N", defaultValue = "0",
            description = "Pods behind the target: the run fails unless that many answer, and those that answer none count "
                    + "as 0 in the evenness (default: as many as answer). A shard judges its slice: give it to load merge.")
    int expectedPods;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Per connection, to connect and to get the answer (default: ${DEFAULT-VALUE}).")
    long timeoutNanos;

    @Mixin
    Report output;

    @Mixin
    ShardOptions shardOptions;

    @Override
    public Integer call() throws Exception {
        validate();
        Shard shard = shardOptions.resolve(spec);
        ShardOptions.shared(spec, shard, "--connections", connections);
        SpreadReport report = new SpreadReport(LoadOptions.text(target), connections, parallel, expectedPods, shard,
                shardOptions.awaitStart(shard, spec), new SpreadTally());
        ExecutorService pool = Executors.newFixedThreadPool(report.atATime(), task -> new Thread(task, "load-spread"));
        try {
            for (int i = 0; i < report.opened(); i++) {
                pool.execute(() -> ask(report));
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        }
        report.ended();
        return output.print(spec, report.table(), report.json(), report.failure());
    }

    private void validate() {
        if (connectionsByTheOldName != null) {
            if (connectionsOption != null) {
                throw new ParameterException(spec.commandLine(), "-n is the old name of -c: give one of them");
            }
            spec.commandLine().getErr().println("load spread: -n is now -c (--connections), as in every other workload");
        }
        connections = connectionsOption != null ? connectionsOption
                : connectionsByTheOldName != null ? connectionsByTheOldName : DEFAULT_CONNECTIONS;
        LoadOptions.positive(spec, "--connections", connections);
        LoadOptions.positive(spec, "--parallel", parallel);
        LoadOptions.positive(spec, "--timeout", timeoutNanos);
        LoadOptions.notNegative(spec, "--expect-pods", expectedPods);
        if (bind != null && bind.getPort() != 0 && parallel != 1) {
            throw new ParameterException(spec.commandLine(), "--bind with a port reuses it: it needs --parallel 1");
        }
    }

    private void ask(SpreadReport report) {
        int timeoutMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        // What failed, in the words of the report: the exceptions alone do not say which step threw them.
        String connecting = "cannot connect to " + LoadOptions.text(target);
        String step = bind == null ? connecting : "cannot bind " + LoadOptions.text(bind);
        try (Socket socket = new Socket()) {
            if (bind != null) {
                socket.setReuseAddress(true);
                socket.bind(bind);
            }
            step = connecting;
            long began = System.nanoTime();
            socket.connect(target, timeoutMillis);
            long connected = System.nanoTime() - began;
            step = "no answer from " + LoadOptions.text(target);
            socket.setSoTimeout(timeoutMillis);
            WhoamiAnswer answer = WhoamiAnswer.parse(readAnswer(socket.getInputStream()));
            report.answered(answer.pod(), connected, host(answer.client()), answer.proxy());
        } catch (IOException e) {
            report.failed(step + ": " + LoadRun.describe(e));
        } catch (IllegalArgumentException e) {
            report.failed(e.getMessage());
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        byte[] answer = in.readNBytes(MAX_REPLY);
        return new String(answer, StandardCharsets.UTF_8).strip();
    }

    /** The address without its port: one client makes many connections from many ports. */
    private static String host(String address) {
        if (address == null) {
            return "unknown";
        }
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }
}
