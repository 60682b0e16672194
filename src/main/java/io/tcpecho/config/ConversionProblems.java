package io.tcpecho.config;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * Values that do not convert to their property's type ({@code echo.idle-timeout=fast}). SmallRye Config collects every
 * such value of a start in one {@link ConfigValidationException}, in its own wording, and then the echo's
 * configuration is never mapped, so {@link EchoConfigValidator}'s range checks would not run until the next start.
 * This says each in the validator's form, then maps the configuration again with those values at their defaults, so
 * that the range problems of the same start are reported with them. A required property that nothing sets (a fault
 * scenario's port) is said the same way.
 */
public final class ConversionProblems {

    /** SmallRye's message for a value its converter refused (the code is SmallRye's stable message id). */
    private static final Pattern NOT_CONVERTED = Pattern.compile(
            "SRCFG00039: The config property (\\S+) with the config value \"(.*)\" threw an Exception whilst being converted ?(.*)");
    /** SmallRye's message for a property the mapping needs that nothing sets, such as a fault scenario's port. */
    private static final Pattern MISSING = Pattern.compile(
            "SRCFG00014: The config property (\\S+) is required but it could not be found in any config source");
    private static final Pattern MESSAGE_ID = Pattern.compile("^SRCFG\\d+: ");
    private static final String PREFIX = "echo.";
    /** A property, or a group of them, as a range problem names it. */
    private static final Pattern PROPERTY = Pattern.compile("echo\\.[a-z0-9.-]*[a-z0-9]");

    private ConversionProblems() {
    }

    /**
     * @param config the configuration the failed one was built from (its sources, profiles)
     * @param directMemoryMax as for {@link EchoConfigValidator#validate}
     * @return one line per problem: every value that did not convert, then the range problems of the others
     */
    public static List<String> lines(ConfigValidationException invalid, SmallRyeConfig config, long directMemoryMax) {
        List<String> lines = new ArrayList<>();
        Map<String, String> atDefaults = new LinkedHashMap<>();
        for (int i = 0; i < invalid.getProblemCount(); i++) {
            // Each is its exception's toString(): the class name, then SmallRye's message.
            String problem = invalid.getProblem(i).getMessage().replaceFirst("^[\\w.$]+: (?=SRCFG)", "");
            Matcher missing = MISSING.matcher(problem);
            if (missing.matches()) {
                lines.add("Invalid configuration: %s (env %s) is not set, and it is required".formatted(missing.group(1),
                        EnvironmentVariable.of(missing.group(1))));
                continue;
            }
            Matcher m = NOT_CONVERTED.matcher(problem);
            if (!m.matches()) {
                lines.add("Invalid configuration: " + withoutIds(problem));
                continue;
            }
            String property = m.group(1);
            Optional<Method> leaf = leaf(property);
            String allowed = leaf.map(ConversionProblems::allowed).orElse(null);
            lines.add("Invalid configuration: %s=%s (env %s) is not valid%s".formatted(property, m.group(2),
                    EnvironmentVariable.of(property), allowed == null ? ": " + withoutIds(m.group(3)) : "; allowed: " + allowed));
            leaf.ifPresent(method -> atDefaults.put(property, Optional.ofNullable(method.getAnnotation(WithDefault.class))
                    .map(WithDefault::value).orElse("")));
        }
        lines.addAll(rangeProblems(config, atDefaults, directMemoryMax));
        return lines;
    }

    private static String withoutIds(String message) {
        return MESSAGE_ID.matcher(message).replaceAll("");
    }

    /**
     * The echo's configuration with the values that did not convert at their defaults (an empty value is an absent
     * optional one), through the range checks. A problem that names a stood-in property, or what contains one (a
     * scenario "has no fault" when its only fault did not convert), is about the stand-in, not what was set, and is
     * left out. A value that is required and has no default cannot be stood in for: then the conversion problems are
     * all there is to report.
     */
    private static List<String> rangeProblems(SmallRyeConfig config, Map<String, String> atDefaults, long directMemoryMax) {
        try {
            SmallRyeConfig standIn = new SmallRyeConfigBuilder().withProfiles(config.getProfiles())
                    .withSources(StreamSupport.stream(config.getConfigSources().spliterator(), false).toList())
                    .withSources(new PropertiesConfigSource(atDefaults, "defaults of the values that did not convert",
                            Integer.MAX_VALUE))
                    .addDiscoveredConverters().addDefaultInterceptors().withMapping(EchoConfig.class).build();
            return EchoConfigValidator.problems(standIn.getConfigMapping(EchoConfig.class), directMemoryMax,
                    EchoConfigValidator.managementPort(config)).stream()
                    .filter(problem -> PROPERTY.matcher(problem).results().map(MatchResult::group)
                            .noneMatch(named -> atDefaults.keySet().stream()
                                    .anyMatch(standing -> standing.equals(named) || standing.startsWith(named + "."))))
                    .toList();
        } catch (ConfigValidationException | NoSuchElementException | IllegalArgumentException cannotStandIn) {
            return List.of();
        }
    }

    /** The method of {@link EchoConfig} that reads {@code property}, e.g. {@code Scenario.latency()} for echo.faults.slow.latency. */
    static Optional<Method> leaf(String property) {
        if (!property.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Class<?> group = EchoConfig.class;
        Method method = null;
        for (String segment : property.substring(PREFIX.length()).split("\\.")) {
            if (group == null) {
                return Optional.empty();
            }
            Method named = named(group, segment);
            Method map = named == null ? parentNamedMap(group) : null;
            if (named != null) {
                method = named;
                group = isGroup(named.getReturnType()) ? named.getReturnType() : null;
            } else if (map != null) {
                // The segment is a map key (a scenario's name); the next one names a property of its value.
                method = null;
                group = (Class<?>) ((ParameterizedType) map.getGenericReturnType()).getActualTypeArguments()[1];
            } else {
                return Optional.empty();
            }
        }
        return group == null ? Optional.ofNullable(method) : Optional.empty();
    }

    private static Method named(Class<?> group, String segment) {
        return Arrays.stream(group.getMethods()).filter(m -> m.getParameterCount() == 0
                && !m.isAnnotationPresent(WithParentName.class) && kebab(m.getName()).equals(segment)).findFirst()
                .orElse(null);
    }

    private static Method parentNamedMap(Class<?> group) {
        return Arrays.stream(group.getMethods()).filter(m -> m.isAnnotationPresent(WithParentName.class)
                && Map.class.isAssignableFrom(m.getReturnType())).findFirst().orElse(null);
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getName().startsWith(EchoConfig.class.getName());
    }

    /** SmallRye's default naming: {@code keepAliveIdle} is {@code keep-alive-idle}. */
    private static String kebab(String name) {
        return name.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    /** What the type takes, or null when the property's own converter says it better (sizes such as 64KiB). */
    static String allowed(Method leaf) {
        Type type = leaf.getGenericReturnType();
        if (type instanceof ParameterizedType optional && optional.getRawType() == Optional.class) {
            type = optional.getActualTypeArguments()[0];
        }
        if (type == boolean.class) {
            return "true or false";
        }
        if (leaf.isAnnotationPresent(WithConverter.class)) {
            return null;
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 30s or 2m";
        }
        if (type == int.class || type == OptionalInt.class || type == long.class) {
            return "a whole number";
        }
        if (type == double.class) {
            return "a number such as 0.5";
        }
        if (type instanceof Class<?> enumType && enumType.isEnum()) {
            return Arrays.stream(enumType.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.joining(", "));
        }
        return null;
    }
}
