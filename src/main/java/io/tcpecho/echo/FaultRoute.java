package io.tcpecho.echo;

import java.time.Duration;
import java.util.Optional;

import io.tcpecho.echo.ConnectionRegistry.Pool;
import io.tcpecho.fault.FaultCommandReader;
import io.tcpecho.fault.FaultScenario;
import io.tcpecho.fault.FaultSelection;
import io.tcpecho.fault.FaultSpec;

/**
 * How the connections of one listener get their faults, decided when the listener is declared: none (the plain
 * echo), its scenario's (a fault port), their first line's (the command port), their TLS server name's first label
 * (echo.tls.faults-by-sni).
 */
@FunctionalInterface
interface FaultRoute {

    /** The {@code via} of a refused selection and the scenario label of what the command port selected. */
    String COMMAND = "command";
    /** The {@code via} of a refused selection and the scenario label of what a server name selected. */
    String SNI = "sni";

    /** The plain echo, counted against echo.max-connections. */
    FaultRoute NONE = connection -> connection.echo(Pool.ECHO, null, FaultSpec.NONE);

    /** A TLS connection's server name may select faults; one without a name, or with a plain one, gets the echo. */
    FaultRoute SERVER_NAME = connection -> {
        Optional<String> name = connection.serverName();
        try {
            Optional<FaultSpec> faults = name.isPresent() ? FaultSelection.serverName(name.get()) : Optional.empty();
            connection.echo(Pool.ECHO, faults.isPresent() ? SNI : null, faults.orElse(FaultSpec.NONE));
        } catch (FaultSelection.Refused refused) {
            connection.refuse(SNI, refused);
        }
    };

    /** Starts the connection's echo, with the faults this route selects, or refuses its selection. */
    void select(AcceptedConnection connection);

    /** A fault port's: its scenario's faults, on the fault ports' own connection limit. */
    static FaultRoute scenario(FaultScenario scenario) {
        return connection -> connection.echo(Pool.FAULTS, scenario.name(), scenario.faults());
    }

    /** The command port's: the faults of the connection's first line, read within {@code timeout}. */
    static FaultRoute command(Duration timeout) {
        return connection -> connection.add(ConnectionPipeline.FAULT_SELECTION, new FaultCommandReader(timeout,
                faults -> connection.echo(Pool.FAULTS, COMMAND, faults), refused -> connection.refuse(COMMAND, refused)));
    }
}
