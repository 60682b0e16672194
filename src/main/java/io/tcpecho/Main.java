package io.tcpecho;

import java.util.Arrays;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.tcpecho.load.LoadCli;
import io.tcpecho.tls.InMemoryKeyStores;

/**
 * Entry point of the jar. {@code java -jar quarkus-run.jar load <workload> [options]} runs the load client
 * as a plain Java program, without starting Quarkus; any other arguments start the echo server as Quarkus' default
 * entry point would, except that a start that fails says why in one line per problem ({@link StartupFailure}), and
 * that the run in which Quarkus dumps the startup archive is a whole start with some traffic ({@link ArchiveTraining}).
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        InMemoryKeyStores.skipKeyStretching(System.getProperties());
        if (args.length > 0 && "load".equals(args[0])) {
            System.exit(LoadCli.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (ArchiveTraining.requested(System.getProperties())) {
            ArchiveTraining.prepare(System.getProperties());
            Quarkus.run(ArchiveTraining.class, StartupFailure::exit, args);
            return;
        }
        Quarkus.run(null, StartupFailure::exit, args);
    }
}
