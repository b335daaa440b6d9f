package dev.deadlineguard.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The one place that builds admission responses. Constructors for each kind of verdict, and
 * {@link #complete} which sets the uid and the review's apiVersion and serializes it.
 */
public final class AdmissionResponses {

    /** The auditAnnotations key; the apiserver prefixes it with the webhook's name. */
    public static final String AUDIT_KEY = "action";
    public static final String PATCH_TYPE = "JSONPatch";

    private AdmissionResponses() {
    }

    public static AdmissionResponse allowed() {
        AdmissionResponse response = new AdmissionResponse();
        response.setAllowed(true);
        return response;
    }

    /** Allowed with a JSON Patch (already serialized), the warnings and the audit entry. */
    public static AdmissionResponse patched(byte[] jsonPatch, List<String> warnings, String audit) {
        AdmissionResponse response = allowed();
        response.setPatchType(PATCH_TYPE);
        response.setPatch(Base64.getEncoder().encodeToString(jsonPatch));
        response.setWarnings(List.copyOf(warnings));
        response.setAuditAnnotations(Map.of(AUDIT_KEY, audit));
        return response;
    }

    /** Allowed with warnings only (validating webhook in warn mode, or a fail-open). */
    public static AdmissionResponse warned(List<String> warnings, String audit) {
        AdmissionResponse response = allowed();
        response.setWarnings(List.copyOf(warnings));
        if (audit != null) {
            response.setAuditAnnotations(Map.of(AUDIT_KEY, audit));
        }
        return response;
    }

    /** Denied with HTTP-style code 403 and a message that says how to fix it. */
    public static AdmissionResponse denied(String message, String audit) {
        AdmissionResponse response = new AdmissionResponse();
        response.setAllowed(false);
        Status status = new Status();
        status.setApiVersion(null);
        status.setKind(null);
        status.setCode(403);
        status.setReason("Forbidden");
        status.setMessage(message);
        response.setStatus(status);
        response.setAuditAnnotations(Map.of(AUDIT_KEY, audit));
        return response;
    }

    /** Sets the uid and apiVersion the request asked in and serializes the AdmissionReview. */
    public static byte[] complete(String apiVersion, String uid, AdmissionResponse response) {
        response.setUid(uid);
        AdmissionReview review = new AdmissionReview();
        review.setApiVersion(apiVersion);
        review.setKind("AdmissionReview");
        review.setResponse(response);
        try {
            return Json.MAPPER.writeValueAsBytes(review);
        } catch (JsonProcessingException e) {
            // Unreachable for these types; answer in a form the apiserver still accepts.
            return ("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":"
                    + quoteJson(uid) + ",\"allowed\":true}}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String quoteJson(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            return "\"\"";
        }
    }
}
