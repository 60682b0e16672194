package io.tcpecho.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tcpecho.testing.Commands;

/**
 * A JVM base image made offline from the JDK on this machine, since no registry is reachable: a jlink'ed
 * runtime in /opt/java with the JDK's default CDS archive (as the JDK of a registry base image has; without it the
 * JVM loads every JDK class from its modules and refuses to dump the application's archive on top), the shared
 * libraries it links against, a passwd entry for uid 185 (the user the application image runs as) and a
 * world-writable /tmp. It is imported into podman and saved as a
 * docker-archive tarball, which Jib takes as {@code quarkus.jib.base-jvm-image=tar://...}.
 */
final class BaseImage {

    static final String NAME = "localhost/tcp-echo-it-base:17";

    private BaseImage() {
    }

    /** Builds the base image tarball under {@code workDir} unless it is already there; returns its path. */
    static Path prepare(Path dir) throws IOException {
        Path workDir = dir.toAbsolutePath();
        Path tarball = workDir.resolve("base-image.tar").toAbsolutePath();
        if (Files.isRegularFile(tarball)) {
            // The image build also runs the base image by name, to dump the AppCDS archive, and that archive is valid
            // only on top of the very CDS archive jlink wrote into this tarball: the name may have been removed, or
            // moved to another tarball's image by a test run in another clone, since.
            Commands.podman("load", "--input", tarball.toString()).orFail("podman load " + tarball);
            return tarball;
        }
        Path jdk = jdkWithJmods();
        Path rootfs = workDir.resolve("rootfs");
        deleteRecursively(rootfs);
        Files.createDirectories(rootfs);

        Commands.run(List.of(jdk.resolve("bin/jlink").toString(), "--add-modules", "ALL-MODULE-PATH",
                "--module-path", jdk.resolve("jmods").toString(), "--strip-debug", "--no-header-files",
                "--no-man-pages", "--compress=2", "--generate-cds-archive", "--output", rootfs.resolve("opt/java").toString()),
                Map.of(), workDir, Duration.ofMinutes(5)).orFail("jlink");

        // The runtime's native libraries and everything they link against, at the same paths as here, plus
        // the glibc libraries that Netty's native epoll transport loads (without them it falls back to NIO).
        TreeSet<String> libraries = new TreeSet<>(List.of("/lib64/ld-linux-x86-64.so.2"));
        for (String glibc : List.of("libdl.so.2", "librt.so.1", "libpthread.so.0", "libm.so.6")) {
            Path library = Path.of("/lib/x86_64-linux-gnu", glibc);
            if (Files.exists(library)) {
                libraries.add(library.toString());
            }
        }
        List<String> ldd = new ArrayList<>(List.of("ldd"));
        try (var files = Files.walk(rootfs.resolve("opt/java"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".so") || f.endsWith("bin/java"))
                    .forEach(f -> ldd.add(f.toString()));
        }
        Matcher resolved = Pattern.compile("=> (/\\S+) \\(").matcher(Commands.run(ldd, Map.of(), workDir,
                Duration.ofMinutes(1)).output());
        while (resolved.find()) {
            libraries.add(resolved.group(1));
        }
        for (String library : libraries) {
            if (library.startsWith(rootfs.toAbsolutePath().toString())) {
                continue;
            }
            Path target = rootfs.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(library).toRealPath(), target, StandardCopyOption.REPLACE_EXISTING);
        }

        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/sbin/nologin\njboss:x:185:185:jboss:/home/jboss:/sbin/nologin\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\njboss:x:185:\n");
        Files.createDirectories(rootfs.resolve("home/jboss"));
        Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));

        Path rootfsTar = workDir.resolve("rootfs.tar").toAbsolutePath();
        Commands.run(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", rootfs.toString(), "-cf",
                rootfsTar.toString(), "."), Map.of(), workDir, Duration.ofMinutes(2)).orFail("tar");
        Commands.podman("import", "--change", "ENV PATH=/opt/java/bin:/usr/bin:/bin", "--change",
                "ENV JAVA_HOME=/opt/java", "--change", "USER 185", rootfsTar.toString(), NAME).orFail("podman import");
        Path partial = workDir.resolve("base-image.tar.partial");
        Files.deleteIfExists(partial);
        Commands.podman("save", "--format", "docker-archive", "-o", partial.toString(), NAME).orFail("podman save");
        Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(rootfsTar);
        deleteRecursively(rootfs);
        return tarball;
    }

    /** A JDK 17 with jmods (jlink needs them): the one running the tests, else Debian's. */
    private static Path jdkWithJmods() {
        for (Path candidate : List.of(Path.of(System.getProperty("java.home")),
                Path.of("/usr/lib/jvm/java-17-openjdk-amd64"))) {
            if (Files.isRegularFile(candidate.resolve("jmods/java.base.jmod"))
                    && Files.isExecutable(candidate.resolve("bin/jlink"))
                    && Runtime.version().feature() >= 17) {
                return candidate;
            }
        }
        throw new AssertionError("no JDK with jmods found (Debian: apt-get install openjdk-17-jdk-headless)");
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
