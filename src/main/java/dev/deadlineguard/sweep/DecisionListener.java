package dev.deadlineguard.sweep;

import java.time.Instant;

/** Hears every decision the sweeper makes (for policy reports). */
public interface DecisionListener {

    void decided(ReplicaSetState rs, SweepDecision decision, Instant now);

    void removed(String namespace, String name);

    DecisionListener NONE = new DecisionListener() {
        @Override
        public void decided(ReplicaSetState rs, SweepDecision decision, Instant now) {
        }

        @Override
        public void removed(String namespace, String name) {
        }
    };
}
