package dev.deadlineguard.admission;

import dev.deadlineguard.policy.AdmissionInput;

/**
 * A decoded AdmissionReview request.
 *
 * @param apiVersion  the review's apiVersion, answered in kind
 * @param uid         the request uid, echoed in the response
 * @param objectShape what patches of {@code request.object} are computed against
 * @param input       what the decision reads
 */
public record DecodedReview(String apiVersion, String uid, ObjectShape objectShape, AdmissionInput input) {
}
