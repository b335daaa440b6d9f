package dev.deadlineguard.manifests;

import java.util.List;
import java.util.Map;

/** Reading generic (map) manifests. */
final class Maps {

    private Maps() {
    }

    /** The value at {@code path} (map keys), or null when any step is missing. */
    static Object at(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String... path) {
        Object value = at(root, path);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String... path) {
        Object value = at(root, path);
        return value instanceof List<?> ? (List<Object>) value : List.of();
    }
}
