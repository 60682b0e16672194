package io.tcpecho.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The chart README's table of values, made from {@code values.yaml} as helm-docs does: each key with a
 * {@code # --} comment (continued on the {@code #} lines that follow) is a row, with its default as written
 * after the key, or, for a block, in flow style. Keys without such a comment are sections whose keys have
 * their own; a leaf with no comment of its own or above it is reported as undocumented.
 */
final class ChartValuesTable {

    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_]+):(?: (.*))?$");
    private static final Pattern DOC = Pattern.compile("^ *# -- (.*)$");
    private static final Pattern MORE = Pattern.compile("^ *# (.*)$");

    record Row(String key, String defaultValue, String description) {
        String markdown() {
            return "| `" + key + "` | `" + defaultValue + "` | " + description + " |";
        }
    }

    final List<Row> rows = new ArrayList<>();
    final List<String> undocumented = new ArrayList<>();

    static ChartValuesTable of(Path valuesYaml) throws IOException {
        ChartValuesTable table = new ChartValuesTable();
        table.read(Files.readAllLines(valuesYaml), Chart.YAML.readTree(valuesYaml.toFile()));
        return table;
    }

    String markdown() {
        StringBuilder table = new StringBuilder("| Key | Default | Description |\n|-----|---------|-------------|\n");
        rows.forEach(row -> table.append(row.markdown()).append('\n'));
        return table.toString();
    }

    private void read(List<String> lines, JsonNode values) {
        List<String> path = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        // Depth of the documented block being skipped (its keys are part of its default), or -1.
        int documentedDepth = -1;
        StringBuilder doc = null;
        for (String line : lines) {
            Matcher key = KEY.matcher(line);
            if (!key.matches()) {
                Matcher starts = DOC.matcher(line);
                Matcher continues = MORE.matcher(line);
                if (starts.matches()) {
                    doc = new StringBuilder(starts.group(1).strip());
                } else if (doc != null && continues.matches()) {
                    doc.append(' ').append(continues.group(1).strip());
                } else if (line.isBlank() || line.strip().startsWith("#")) {
                    doc = null; // a section comment, or a gap: not the next key's description
                }
                continue;
            }
            int indent = key.group(1).length();
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                path.remove(path.size() - 1);
            }
            if (documentedDepth >= 0 && path.size() <= documentedDepth) {
                documentedDepth = -1;
            }
            path.add(key.group(2));
            indents.add(indent);
            String name = String.join(".", path);
            String inline = key.group(3) == null ? "" : key.group(3).strip();
            if (documentedDepth >= 0) {
                doc = null;
                continue;
            }
            if (doc != null) {
                String value = inline.isEmpty() ? flow(at(values, path)) : inline;
                rows.add(new Row(name, value, doc.toString()));
                if (inline.isEmpty()) {
                    documentedDepth = path.size() - 1;
                }
            } else if (!inline.isEmpty()) {
                undocumented.add(name);
            }
            doc = null;
        }
    }

    private static JsonNode at(JsonNode values, List<String> path) {
        JsonNode node = values;
        for (String name : path) {
            node = node.path(name);
        }
        return node;
    }

    /** A block default on one line: {@code {a: 1, b: {c: x}}}, {@code [x, y]}. */
    static String flow(JsonNode node) {
        if (node.isObject()) {
            StringBuilder out = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(field.getKey()).append(": ").append(flow(field.getValue()));
                out.append(fields.hasNext() ? ", " : "");
            }
            return out.append('}').toString();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(flow(item)));
            return "[" + String.join(", ", items) + "]";
        }
        return node.isTextual() && node.asText().isEmpty() ? "\"\"" : node.asText();
    }
}
