package io.tcpecho;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfig;
import io.tcpecho.config.ConversionProblems;
import io.tcpecho.echo.ListenFailure;
import io.tcpecho.memory.DirectMemory;

/**
 * What a start that failed prints: one line per problem, naming the property, on standard error, and exit status 1.
 * Quarkus does that itself only for a {@link ConfigurationException} (which the echo's own checks and listeners throw);
 * a value of the wrong type, a certificate file that cannot be read and a management port that is taken it reports in
 * its own words or with a stack trace. Given an exit handler, Quarkus leaves the report to it; what this does not
 * recognise it logs as Quarkus would, with the stack trace, since nobody has said yet what it means.
 */
final class StartupFailure {

    /** Quarkus's wording for a failure of the management interface's listener (VertxHttpRecorder). */
    private static final String MANAGEMENT_INTERFACE = "management interface";
    /** The TLS registry's wording for a configuration it cannot use (CertificateRecorder), with the configuration's name. */
    private static final Pattern TLS_CONFIGURATION = Pattern.compile("configuration for certificate '([^']+)'");

    private StartupFailure() {
    }

    /** Quarkus's exit handler: called once the application stopped, with the failure when it did not start. */
    static void exit(Integer status, Throwable failure) {
        if (failure != null) {
            List<String> lines;
            try {
                lines = lines(failure);
            } catch (RuntimeException cannotSay) {
                // Saying it in one line must cost neither the failure (logged below as it is) nor the exit.
                lines = List.of();
            }
            if (lines.isEmpty()) {
                Logger.getLogger(Application.class).error("Failed to start application", failure);
            } else {
                lines.forEach(System.err::println);
            }
        }
        ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(status, failure);
    }

    /** The failure's one-line problems, none when it is not one of those known. */
    static List<String> lines(Throwable failure) {
        List<Throwable> chain = Stream.iterate(failure, t -> t != null, Throwable::getCause).toList();
        Throwable root = chain.get(chain.size() - 1);
        Optional<Throwable> ours = chain.stream().filter(ConfigurationException.class::isInstance).findFirst();
        if (ours.isPresent()) {
            return String.valueOf(ours.get().getMessage()).lines().toList();
        }
        SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        if (root instanceof ConfigValidationException invalid) {
            return ConversionProblems.lines(invalid, config, DirectMemory.max());
        }
        if (chain.stream().anyMatch(t -> String.valueOf(t.getMessage()).contains(MANAGEMENT_INTERFACE))) {
            String where = config.getOptionalValue("quarkus.management.host", String.class).orElse("0.0.0.0") + ":"
                    + config.getOptionalValue("quarkus.management.port", String.class).orElse("9000");
            return List.of(ListenFailure.of(where, "quarkus.management.host", "quarkus.management.port", root).getMessage());
        }
        if (root instanceof FileSystemException file) {
            return List.of(unreadable(file, config));
        }
        Optional<String> tls = chain.stream().map(t -> TLS_CONFIGURATION.matcher(String.valueOf(t.getMessage())))
                .filter(Matcher::find).map(m -> m.group(1)).findFirst();
        if (tls.isPresent()) {
            return List.of("Invalid configuration: the TLS configuration '%s' (quarkus.tls.%s.*) cannot be used: %s"
                    .formatted(tls.get(), tls.get(), String.valueOf(root.getMessage()).lines().findFirst().orElse("")));
        }
        return List.of();
    }

    /** A file the configuration names (a TLS certificate or key) that cannot be read, under the name it was set by. */
    private static String unreadable(FileSystemException file, SmallRyeConfig config) {
        String why = file instanceof NoSuchFileException ? "no such file"
                : file instanceof AccessDeniedException ? "permission denied" : String.valueOf(file.getReason());
        return StreamSupport.stream(config.getPropertyNames().spliterator(), false).sorted()
                .filter(name -> file.getFile().equals(config.getConfigValue(name).getValue())).findFirst()
                .map(name -> "Invalid configuration: %s=%s cannot be read: %s; allowed: a readable file".formatted(name,
                        file.getFile(), why))
                .orElse("Cannot read %s: %s".formatted(file.getFile(), why));
    }
}
