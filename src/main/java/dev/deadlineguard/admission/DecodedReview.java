package dev.deadlineguard.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deadlineguard.policy.AdmissionInput;

/**
 * A decoded AdmissionReview request.
 *
 * @param apiVersion the review's apiVersion, answered in kind
 * @param uid        the request uid, echoed in the response
 * @param rawObject  {@code request.object} exactly as received; patches are computed against it
 * @param input      what the decision reads
 */
public record DecodedReview(String apiVersion, String uid, JsonNode rawObject, AdmissionInput input) {
}
