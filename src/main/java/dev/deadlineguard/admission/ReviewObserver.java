package dev.deadlineguard.admission;

/** Hears every answered review (for Events); must not block the caller. */
@FunctionalInterface
public interface ReviewObserver {

    void reviewed(Endpoint endpoint, ReviewResult result);

    ReviewObserver NONE = (endpoint, result) -> {
    };
}
