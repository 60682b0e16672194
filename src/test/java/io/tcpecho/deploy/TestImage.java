package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tcpecho.testing.Commands;
import io.tcpecho.testing.ServerProcess;

/**
 * The application image, built once per test JVM for the tests that run it: the user's build command
 * ({@code ./mvnw package -Dquarkus.container-image.build=true}) with the offline base image of
 * {@link BaseImage} and podman instead of a Docker daemon. Needs podman (installed by .ci/run).
 */
public final class TestImage {

    static final Path WORK = Path.of("target", "image-it");
    static final String REPOSITORY = "localhost/tcp-echo/tcp-echo";
    static final String TAG = "it";
    public static final String REFERENCE = REPOSITORY + ":" + TAG;
    /** The pods the image tests play (ContainerImageIT's Deployment and helm test, OverloadIT's Deployment). */
    private static final String LEFTOVER_PODS = "^tcp-echo-(overload-)?it";

    private static boolean built;

    private TestImage() {
    }

    /** Builds the image unless this JVM built it already. */
    public static synchronized void build() throws IOException {
        if (built) {
            return;
        }
        assertThat(Commands.podman("version").exitCode())
                .as("podman is needed for this test (apt-get install podman runc; see .ci/run)").isZero();
        Files.createDirectories(WORK);
        Path base = BaseImage.prepare(WORK);
        removeLeftovers();
        // The previous run's image would otherwise be left behind untagged at every run.
        Commands.podman("rmi", "--force", "--ignore", REFERENCE).orFail("podman rmi");
        // The image build rewrites target/quarkus-app, and its AppCDS archive is dumped by the base image's JVM, which
        // the JVM running the jar rejects: the jar's own build is put aside meanwhile and back afterwards (the image
        // has its copy of the image build's).
        Path jarBuild = Path.of(ServerProcess.PACKAGED_APP);
        Path aside = WORK.resolve("jar-build");
        BaseImage.deleteRecursively(aside);
        Files.move(jarBuild, aside);
        try {
            buildImage(base);
        } finally {
            BaseImage.deleteRecursively(jarBuild);
            Files.move(aside, jarBuild);
        }
        built = true;
    }

    private static void buildImage(Path base) {
        Commands.run(List.of("./mvnw", "-B", "-ntp", "-q", "package", "-Dmaven.test.skip=true",
                "-Dquarkus.container-image.build=true",
                "-Dquarkus.jib.base-jvm-image=tar://" + base,
                "-Dquarkus.jib.docker-executable-name=podman",
                // The AppCDS archive is dumped by the base image's JVM, run by podman (a docker CLI may be installed).
                "-Dquarkus.native.container-runtime=podman",
                "-Dquarkus.package.jar.appcds.builder-image=" + BaseImage.NAME,
                "-Dquarkus.container-image.tag=" + TAG,
                "-Dquarkus.container-image.additional-tags="),
                Map.of("JAVA_HOME", System.getProperty("java.home")), Path.of("."), Duration.ofMinutes(10))
                .orFail("./mvnw package -Dquarkus.container-image.build=true");
    }

    /**
     * Pods and containers that an interrupted earlier run left behind. Without this, {@code rmi --force} stops each of
     * them with its pod's grace period (48 s for the chart's Deployment), one after another, which a few leftovers
     * turn into minutes; here they are killed at once: they are the tests' own, nothing in them is kept.
     */
    private static void removeLeftovers() {
        String pods = Commands.podman("pod", "ps", "--quiet", "--filter", "name=" + LEFTOVER_PODS).output().trim();
        if (!pods.isEmpty()) {
            List<String> remove = new ArrayList<>(List.of("pod", "rm", "--force", "--time", "0"));
            remove.addAll(List.of(pods.split("\\s+")));
            Commands.podman(remove.toArray(String[]::new)).orFail("podman pod rm (an earlier run's pods)");
        }
        Commands.podman("rm", "--force", "--time", "0", "--filter", "ancestor=" + REFERENCE)
                .orFail("podman rm (an earlier run's containers)");
    }
}
