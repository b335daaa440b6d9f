package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * The one place that builds admission responses. Constructors for each kind of verdict, and
 * {@link #complete} which sets the uid and the review's apiVersion and writes the AdmissionReview
 * with a streaming generator (fields in the order the Kubernetes model writes them).
 */
public final class AdmissionResponses {

    /** The auditAnnotations key; the apiserver prefixes it with the webhook's name. */
    public static final String AUDIT_KEY = "action";
    public static final String PATCH_TYPE = "JSONPatch";

    /**
     * One verdict, before it is written.
     *
     * @param patch   the JSON Patch, serialized, or {@code null}
     * @param denial  the message of a denial (code 403), or {@code null} when allowed
     * @param audit   the audit annotation, or {@code null}
     */
    public record Response(boolean allowed, byte[] patch, List<String> warnings, String audit, String denial) {
    }

    private AdmissionResponses() {
    }

    public static Response allowed() {
        return new Response(true, null, List.of(), null, null);
    }

    /** Allowed with a JSON Patch (already serialized), the warnings and the audit entry. */
    public static Response patched(byte[] jsonPatch, List<String> warnings, String audit) {
        return new Response(true, jsonPatch, List.copyOf(warnings), audit, null);
    }

    /** Allowed with warnings only (validating webhook in warn mode, or a fail-open). */
    public static Response warned(List<String> warnings, String audit) {
        return new Response(true, null, List.copyOf(warnings), audit, null);
    }

    /** Denied with HTTP-style code 403 and a message that says how to fix it. */
    public static Response denied(String message, String audit) {
        return new Response(false, null, List.of(), audit, message);
    }

    /** Sets the uid and apiVersion the request asked in and serializes the AdmissionReview. */
    public static byte[] complete(String apiVersion, String uid, Response response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (response.patch() == null ? 0 : response.patch().length * 2));
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", apiVersion);
            g.writeStringField("kind", "AdmissionReview");
            g.writeObjectFieldStart("response");
            g.writeBooleanField("allowed", response.allowed());
            if (response.audit() != null) {
                g.writeObjectFieldStart("auditAnnotations");
                g.writeStringField(AUDIT_KEY, response.audit());
                g.writeEndObject();
            }
            if (response.patch() != null) {
                g.writeStringField("patch", Base64.getEncoder().encodeToString(response.patch()));
                g.writeStringField("patchType", PATCH_TYPE);
            }
            if (response.denial() != null) {
                g.writeObjectFieldStart("status");
                g.writeNumberField("code", 403);
                g.writeStringField("message", response.denial());
                g.writeStringField("reason", "Forbidden");
                g.writeEndObject();
            }
            if (uid != null) {
                g.writeStringField("uid", uid);
            }
            if (!response.warnings().isEmpty()) {
                g.writeArrayFieldStart("warnings");
                for (String warning : response.warnings()) {
                    g.writeString(warning);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }
}
