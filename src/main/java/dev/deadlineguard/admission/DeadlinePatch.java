package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.deadlineguard.policy.KeyFinding;
import dev.deadlineguard.policy.Remedy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the RFC 6902 JSON Patch that repairs the violations of one review. The patch is computed
 * against {@code request.object} exactly as the apiserver sent it (its {@link ObjectShape}) and touches
 * only guarded keys.
 */
public final class DeadlinePatch {

    private DeadlinePatch() {
    }

    /** An RFC 6901 pointer to an annotation: {@code ~} becomes {@code ~0} and {@code /} becomes {@code ~1}. */
    public static String annotationPointer(String key) {
        return "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
    }

    /** The patch as JSON bytes: an array of operations, in the order of the violations. */
    public static byte[] build(ObjectShape object, List<KeyFinding> violations) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * violations.size());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartArray();
            Map<String, String> created = new LinkedHashMap<>(4);  // annotations to add when the object has none
            for (KeyFinding finding : violations) {
                if (finding.remedy() == Remedy.RESTORE) {
                    if (object.hasAnnotations()) {
                        op(g, object.annotationKeys().contains(finding.key()) ? "replace" : "add",
                                annotationPointer(finding.key()));
                        g.writeStringField("value", finding.oldValue().raw());
                        g.writeEndObject();
                    } else {
                        created.put(finding.key(), finding.oldValue().raw());
                    }
                } else if (finding.remedy() == Remedy.REMOVE && object.hasAnnotations()
                        && object.annotationKeys().contains(finding.key())) {
                    op(g, "remove", annotationPointer(finding.key()));
                    g.writeEndObject();
                }
            }
            if (!created.isEmpty()) {
                op(g, "add", object.hasMetadata() ? "/metadata/annotations" : "/metadata");
                g.writeFieldName("value");
                g.writeStartObject();
                if (!object.hasMetadata()) {
                    g.writeFieldName("annotations");
                    g.writeStartObject();
                }
                for (Map.Entry<String, String> annotation : created.entrySet()) {
                    g.writeStringField(annotation.getKey(), annotation.getValue());
                }
                if (!object.hasMetadata()) {
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Starts an operation object with its {@code op} and {@code path}; the caller ends it. */
    private static void op(JsonGenerator g, String name, String path) throws IOException {
        g.writeStartObject();
        g.writeStringField("op", name);
        g.writeStringField("path", path);
    }
}
