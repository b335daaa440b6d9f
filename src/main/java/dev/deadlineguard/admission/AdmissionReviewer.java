package dev.deadlineguard.admission;

import dev.deadlineguard.policy.AdmissionInput;
import dev.deadlineguard.policy.Decision;
import dev.deadlineguard.policy.DeadlinePolicy;
import dev.deadlineguard.policy.GuardConfig;
import dev.deadlineguard.policy.KeyFinding;
import dev.deadlineguard.policy.ValidateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Answers one AdmissionReview: decode, decide, encode. Shared by the HTTPS server and the offline
 * {@code review} command, so both give the same verdict for the same bytes.
 */
public final class AdmissionReviewer {

    /** The decision step; a seam so that tests can make it fail. */
    @FunctionalInterface
    public interface Judge {
        Decision decide(AdmissionInput input, GuardConfig config);
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionReviewer.class);

    private final GuardConfig config;
    private final Judge judge;

    public AdmissionReviewer(GuardConfig config) {
        this(config, DeadlinePolicy::decide);
    }

    public AdmissionReviewer(GuardConfig config, Judge judge) {
        this.config = config;
        this.judge = judge;
    }

    public GuardConfig config() {
        return config;
    }

    /**
     * @throws BadReviewException when the body is not an AdmissionReview request (answer 400)
     */
    public ReviewResult review(Endpoint endpoint, byte[] body) throws BadReviewException {
        return review(endpoint, ReviewDecoder.decode(body));
    }

    /** Decides and answers a review already decoded (by a {@link ReviewStream} as its bytes arrived). */
    public ReviewResult review(Endpoint endpoint, DecodedReview review) {
        try {
            Decision decision = judge.decide(review.input(), config);
            return answer(endpoint, review, decision);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("internal error reviewing {} {} (uid {}); failing open", endpoint.path(),
                    review.input().displayName(), review.uid(), e);
            AdmissionResponses.Response response = AdmissionResponses.warned(
                    List.of(Messages.failedOpen(review.input().displayName(), e)), null);
            return new ReviewResult(AdmissionResponses.complete(review.apiVersion(), review.uid(), response),
                    review, null, ReviewResult.FAIL_OPEN);
        }
    }

    private ReviewResult answer(Endpoint endpoint, DecodedReview review, Decision decision) {
        List<KeyFinding> violations = decision.violations();
        if (violations.isEmpty()) {
            return result(review, decision, AdmissionResponses.allowed(), ReviewResult.ALLOW);
        }
        String rs = review.input().displayName();
        if (endpoint == Endpoint.MUTATE) {
            byte[] patch = DeadlinePatch.build(review.objectShape(), violations);
            List<String> warnings = violations.stream().map(f -> Messages.repaired(rs, f)).toList();
            return result(review, decision,
                    AdmissionResponses.patched(patch, warnings, Messages.audit("", violations)), ReviewResult.PATCH);
        }
        if (config.validateMode() == ValidateMode.WARN) {
            List<String> warnings = violations.stream().map(f -> Messages.wouldDeny(rs, f)).toList();
            return result(review, decision,
                    AdmissionResponses.warned(warnings, Messages.audit("warned", violations)), ReviewResult.WARN);
        }
        String message = Messages.denied(rs, violations.get(0), violations.size() - 1);
        return result(review, decision,
                AdmissionResponses.denied(message, Messages.audit("denied", violations)), ReviewResult.DENY);
    }

    private static ReviewResult result(DecodedReview review, Decision decision, AdmissionResponses.Response response,
                                       String action) {
        return new ReviewResult(AdmissionResponses.complete(review.apiVersion(), review.uid(), response),
                review, decision, action);
    }
}
