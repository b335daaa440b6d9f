package dev.deadlineguard.manifests;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns a manifest into its fabric8 model with unknown fields rejected. fabric8 models accept any
 * field (they keep unknown ones in {@code additionalProperties} instead of failing), so a typo such
 * as {@code readOnlyRootFileSystem} would parse "fine" and be dropped by the API server. Here every
 * {@code additionalProperties} map in the whole object graph must be empty, and the model written
 * back out must equal the input (nothing lost or changed in between).
 */
final class StrictModels {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private StrictModels() {
    }

    /** Parses {@code node} as {@code type}; fails with every unknown field's path, or with what the round trip changed. */
    static <T> T parse(JsonNode node, Class<T> type, String where) {
        T model;
        try {
            model = MAPPER.treeToValue(node, type);
        } catch (Exception e) {
            throw new AssertionError(where + ": does not parse as " + type.getName() + ": " + e.getMessage(), e);
        }
        List<String> unknown = unknownFields(model);
        if (!unknown.isEmpty()) {
            throw new AssertionError(where + ": unknown fields for " + type.getSimpleName() + ": " + unknown);
        }
        JsonNode back = MAPPER.valueToTree(model);
        List<String> changed = new ArrayList<>();
        diff(node, back, "", changed);
        if (!changed.isEmpty()) {
            throw new AssertionError(where + ": " + type.getSimpleName() + " does not round-trip: " + changed);
        }
        return model;
    }

    /** Paths where {@code a} and {@code b} differ; numbers compare by value (65532 as int or long is the same). */
    static void diff(JsonNode a, JsonNode b, String path, List<String> out) {
        if (a.isNumber() && b.isNumber()) {
            if (a.decimalValue().compareTo(b.decimalValue()) != 0) {
                out.add(path + ": " + a + " -> " + b);
            }
        } else if (a.isObject() && b.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!a.has(name) || !b.has(name)) {
                    out.add(path + "." + name + (a.has(name) ? " lost" : " added"));
                } else {
                    diff(a.get(name), b.get(name), path + "." + name, out);
                }
            }
        } else if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                out.add(path + ": " + a.size() + " items -> " + b.size());
            } else {
                for (int i = 0; i < a.size(); i++) {
                    diff(a.get(i), b.get(i), path + "[" + i + "]", out);
                }
            }
        } else if (!a.equals(b)) {
            out.add(path + ": " + a + " -> " + b);
        }
    }

    /** The paths of every field that the model did not know (kept in an {@code additionalProperties} map). */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        collect(model, "", found);
        return found;
    }

    private static void collect(Object value, String path, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collect(v, path + "." + k, found));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collect(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        Class<?> type = value.getClass();
        if (!type.getName().startsWith(MODEL_PACKAGE)) {
            return;
        }
        for (Method getter : type.getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !name.startsWith("get") || name.length() == 3) {
                continue;
            }
            Object child = invoke(getter, value);
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add((path.isEmpty() ? "." : path) + " " + extra.keySet());
                }
                continue;
            }
            Class<?> returns = getter.getReturnType();
            if (returns.isPrimitive() || returns == String.class || returns.isEnum()) {
                continue;
            }
            collect(child, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), found);
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + getter + ": " + e.getMessage(), e);
        }
    }
}
