package io.tcpecho.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines that run a jar on the JVM that runs the tests, as users run the service and its load client
 * ({@code java [flags] -jar quarkus-run.jar [args]}): one place for the tests, the image tests and the benchmark.
 */
public final class JavaCommand {

    private JavaCommand() {
    }

    /** The {@code java} launcher of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static List<String> jar(Path jar, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return command;
    }

    /** The load client of {@code jar} against {@code target}, without progress lines. */
    public static List<String> load(Path jar, List<String> jvmFlags, String target, List<String> workload) {
        List<String> args = new ArrayList<>(List.of("load"));
        args.addAll(workload);
        args.addAll(List.of("--target", target, "--progress", "0"));
        return jar(jar, jvmFlags, args);
    }
}
