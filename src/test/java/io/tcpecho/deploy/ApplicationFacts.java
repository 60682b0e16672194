package io.tcpecho.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.fault.FaultScenario;

/**
 * What the deployment files must agree with, read from the application itself: its {@code echo.*} settings
 * (from the {@link EchoConfig} mapping), its application.properties and its version in pom.xml.
 */
final class ApplicationFacts {

    private ApplicationFacts() {
    }

    /**
     * Environment variable of every {@code echo.*} key -> its {@code @WithDefault}, if it has one. A named group's
     * variables have {@code *} for the name: {@code ECHO_FAULTS_*_LATENCY}.
     */
    static Map<String, Optional<String>> echoSettings() {
        Map<String, Optional<String>> settings = new TreeMap<>();
        collect(EchoConfig.class, EchoConfig.class.getAnnotation(ConfigMapping.class).prefix(), settings);
        return settings;
    }

    private static void collect(Class<?> mapping, String prefix, Map<String, Optional<String>> settings) {
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String key = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (method.isAnnotationPresent(WithParentName.class) && method.getReturnType() == Map.class) {
                Type group = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1];
                if (group == String.class) {
                    // A scenario's values as written (echo.faults.NAME.*): its keys are the faults'.
                    FaultScenario.keys().forEach(fault -> settings.put(variable(prefix + "." + fault), Optional.empty()));
                } else {
                    // Named groups (echo.faults.NAME.*): the name is any one segment of the variable.
                    collect((Class<?>) group, prefix + ".*", settings);
                }
            } else if (method.getReturnType().isInterface()
                    && method.getReturnType().getName().startsWith(EchoConfig.class.getName() + "$")) {
                collect(method.getReturnType(), key, settings);
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                settings.put(variable(key), Optional.ofNullable(fallback).map(WithDefault::value));
            }
        }
    }

    private static String variable(String key) {
        return key.replaceAll("[^a-zA-Z0-9*]", "_").toUpperCase();
    }

    /** Whether the application reads {@code variable}: one of {@link #echoSettings()}, a name in place of a {@code *}. */
    static boolean isSetting(String variable) {
        return echoSettings().keySet().stream()
                .anyMatch(setting -> variable.matches(setting.replace("*", "[A-Z][A-Z0-9]*")));
    }

    /** The application's default for a configuration key, from application.properties. */
    static int propertiesDefault(String key) {
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            Properties properties = new Properties();
            properties.load(reader);
            return Integer.parseInt(properties.getProperty(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String projectVersion() {
        try {
            String pom = Files.readString(Path.of("pom.xml"));
            Matcher m = Pattern.compile("<artifactId>tcp-echo</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
            if (!m.find()) {
                throw new IllegalStateException("no tcp-echo version in pom.xml");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
