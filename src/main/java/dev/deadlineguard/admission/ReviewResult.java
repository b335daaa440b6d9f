package dev.deadlineguard.admission;

import dev.deadlineguard.policy.Decision;

/**
 * What answering one review produced.
 *
 * @param body      the serialized response AdmissionReview
 * @param review    the decoded request
 * @param decision  the decision, or {@code null} when the server failed open
 * @param action    {@code allow}, {@code patch}, {@code deny}, {@code warn} or {@code fail_open}
 */
public record ReviewResult(byte[] body, DecodedReview review, Decision decision, String action) {

    public static final String ALLOW = "allow";
    public static final String PATCH = "patch";
    public static final String DENY = "deny";
    public static final String WARN = "warn";
    public static final String FAIL_OPEN = "fail_open";

    /** The decision-case label for metrics; {@code error} when the server failed open. */
    public String caseLabel() {
        return decision == null ? "error" : decision.caseLabel();
    }
}
