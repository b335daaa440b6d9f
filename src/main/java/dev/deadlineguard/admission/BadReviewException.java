package dev.deadlineguard.admission;

/** The body is not an AdmissionReview this server can answer; the message says why (for a 400). */
public final class BadReviewException extends Exception {

    private static final long serialVersionUID = 1L;

    public BadReviewException(String message) {
        super(message, null, false, false);
    }
}
