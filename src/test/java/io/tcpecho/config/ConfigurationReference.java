package io.tcpecho.config;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigMapping;
import io.tcpecho.fault.FaultScenario;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The configuration reference of docs/configuration.md, made from the config mapping: {@link EchoConfig}'s methods
 * walked by reflection, as SmallRye maps them (a nested interface is a key prefix, a {@code Map<String, interface>}
 * adds a {@code <name>} segment, method names become kebab-case keys unless {@link WithName} says otherwise), each
 * described by the first paragraph of its javadoc, read from the source file (everything after the first
 * {@code <p>} is for the code's readers only). The default is {@link WithDefault}'s, or the value
 * application.properties sets for every profile; an {@code Optional} without one is "unset", and its javadoc says
 * what that means. A few {@code quarkus.*} keys that users of the echo set are documented here too, in {@link #QUARKUS}.
 */
final class ConfigurationReference {

    static final Path SOURCE = Path.of("src/main/java/io/tcpecho/config/EchoConfig.java");
    static final Path PROPERTIES = Path.of("src/main/resources/application.properties");
    static final String TABLE_HEADER = "| Property | Env var | Default | Meaning |";
    /** The segment that stands for a map's keys, such as a fault scenario's name. */
    static final String MAP_KEY = "<name>";

    record Row(String key, String defaultValue, String description) {
        /** As Quarkus maps a property to an environment variable: upper case, other characters as underscores. */
        String environmentVariable() {
            return Arrays.stream(key.split("\\."))
                    .map(segment -> segment.equals(MAP_KEY) ? "<NAME>" : segment.toUpperCase().replaceAll("[^A-Z0-9]", "_"))
                    .reduce((a, b) -> a + "_" + b).orElseThrow();
        }

        String markdown() {
            return "| `%s` | `%s` | %s | %s |".formatted(key, environmentVariable(), defaultValue, description);
        }
    }

    /** Quarkus' own keys that the reference documents, with the default when application.properties sets none. */
    private static final List<Row> QUARKUS = List.of(
            new Row("quarkus.management.port", "`9000`", "Health and metrics port."),
            new Row("quarkus.shutdown.delay", "unset", "On SIGTERM, readiness is DOWN for this long before the listener closes."));

    final List<Row> rows = new ArrayList<>();
    /** Keys whose method has no javadoc in {@link #SOURCE}. */
    final List<String> undocumented = new ArrayList<>();

    private final Map<String, Declaration> declarations;
    private final Properties properties = new Properties();

    private record Declaration(int position, String javadoc) {
    }

    private ConfigurationReference(String source) {
        declarations = declarations(source);
    }

    static ConfigurationReference generate() throws IOException {
        ConfigurationReference reference = new ConfigurationReference(Files.readString(SOURCE));
        try (var in = Files.newBufferedReader(PROPERTIES)) {
            reference.properties.load(in);
        }
        reference.walk(EchoConfig.class, EchoConfig.class.getAnnotation(ConfigMapping.class).prefix());
        for (Row row : QUARKUS) {
            String set = reference.properties.getProperty(row.key());
            reference.rows.add(set == null ? row : new Row(row.key(), "`" + set + "`", row.description()));
        }
        return reference;
    }

    String markdown() {
        StringBuilder table = new StringBuilder(TABLE_HEADER).append("\n|---|---|---|---|\n");
        rows.forEach(row -> table.append(row.markdown()).append('\n'));
        return table.toString();
    }

    /** The rows of {@code mapping}'s keys under {@code prefix}, in the order of the source file. */
    private void walk(Class<?> mapping, String prefix) {
        List<Method> methods = Arrays.stream(mapping.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers()) && m.getParameterCount() == 0)
                .sorted(Comparator.comparingInt(m -> position(mapping, m)))
                .toList();
        for (Method method : methods) {
            String key = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name(method);
            Class<?> type = method.getReturnType();
            if (mapping == EchoConfig.Scenario.class && type == Map.class) {
                // A scenario's faults are read as written and checked by the faults' registry, which knows their keys.
                FaultScenario.keysAllowed().forEach((fault, allowed) -> rows.add(new Row(prefix + "." + fault, "unset",
                        "A fault of the scenario: %s. What it does: [failing backends](failing-backends.md#the-faults)."
                                .formatted(allowed))));
            } else if (type == Map.class) {
                Type value = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1];
                if (value instanceof Class<?> group && group.isInterface() && !group.getName().startsWith("java.")) {
                    walk(group, key + "." + MAP_KEY);
                } else {
                    row(mapping, method, key + "." + MAP_KEY);
                }
            } else if (type.isInterface() && !type.getName().startsWith("java.")) {
                walk(type, key);
            } else {
                row(mapping, method, key);
            }
        }
    }

    private void row(Class<?> mapping, Method method, String key) {
        Declaration declaration = declarations.get(mapping.getSimpleName() + "." + method.getName());
        if (declaration == null || declaration.javadoc().isBlank()) {
            undocumented.add(key);
            return;
        }
        rows.add(new Row(key, defaultValue(method, key), markdown(declaration.javadoc())));
    }

    private String defaultValue(Method method, String key) {
        String set = key.contains(MAP_KEY) ? null : properties.getProperty(key);
        WithDefault withDefault = method.getAnnotation(WithDefault.class);
        if (set != null) {
            return "`" + set + "`";
        } else if (withDefault != null) {
            return "`" + withDefault.value() + "`";
        }
        Class<?> type = method.getReturnType();
        boolean optional = type == Optional.class || type == OptionalInt.class || type == OptionalLong.class
                || type == OptionalDouble.class;
        return optional ? "unset" : "required";
    }

    private int position(Class<?> mapping, Method method) {
        Declaration declaration = declarations.get(mapping.getSimpleName() + "." + method.getName());
        return declaration == null ? Integer.MAX_VALUE : declaration.position();
    }

    private static String name(Method method) {
        WithName withName = method.getAnnotation(WithName.class);
        return withName != null ? withName.value() : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("^\\s*[\\w.<>,? ]+\\s+(\\w+)\\(\\);");

    /**
     * Each abstract method of {@code source}'s interfaces, as {@code Interface.method} (the nested interfaces' simple
     * names are unique in EchoConfig), with its position in the file and its javadoc.
     */
    private static Map<String, Declaration> declarations(String source) {
        Map<String, Declaration> declarations = new HashMap<>();
        Deque<String> interfaces = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        int depth = 0;
        String javadoc = "";
        StringBuilder comment = null;
        int position = 0;
        for (String line : source.split("\n")) {
            String code = line.strip();
            if (comment != null) {
                int end = code.indexOf("*/");
                comment.append(' ').append(end >= 0 ? code.substring(0, end) : code.replaceFirst("^\\*", ""));
                if (end >= 0) {
                    javadoc = comment.toString();
                    comment = null;
                }
                continue;
            }
            if (code.startsWith("/**")) {
                comment = new StringBuilder();
                String rest = code.substring(3);
                int end = rest.indexOf("*/");
                if (end >= 0) {
                    javadoc = rest.substring(0, end);
                    comment = null;
                } else {
                    comment.append(rest);
                }
                continue;
            }
            if (code.startsWith("@") || code.isEmpty() || code.startsWith("//")) {
                continue;
            }
            Matcher type = INTERFACE.matcher(code);
            Matcher method = METHOD.matcher(line);
            if (type.find()) {
                interfaces.push(type.group(1));
                depths.push(depth);
            } else if (method.find() && !interfaces.isEmpty()) {
                declarations.put(interfaces.peek() + "." + method.group(1), new Declaration(position++, javadoc));
            }
            javadoc = "";
            for (char c : code.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (!depths.isEmpty() && depth == depths.peek()) {
                        depths.pop();
                        interfaces.pop();
                    }
                }
            }
        }
        return declarations;
    }

    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ([^}]*)}");
    private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)? ([^} ]+)(?: ([^}]*))?}");
    private static final Pattern DOC_PAGE = Pattern.compile("\\bdocs/([\\w-]+\\.md)(#[\\w-]+)?");

    /** The first paragraph of a javadoc as one line of Markdown in a table cell. */
    static String markdown(String javadoc) {
        String text = javadoc.split("<p>", 2)[0].replaceAll("\\s+", " ").strip();
        text = CODE.matcher(text).replaceAll(m -> Matcher.quoteReplacement("`" + m.group(1) + "`"));
        text = LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                m.group(2) != null ? m.group(2) : "`" + m.group(1).replaceFirst(".*\\.", "") + "`"));
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("|", "\\|");
        // A page of docs/ named in the javadoc is a link from docs/configuration.md.
        return DOC_PAGE.matcher(text).replaceAll(m -> Matcher.quoteReplacement("[%s](%s%s)".formatted(m.group(1),
                m.group(1), m.group(2) == null ? "" : m.group(2))));
    }
}
