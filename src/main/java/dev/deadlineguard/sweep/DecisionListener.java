package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;

import java.time.Instant;

/** Hears every decision the sweeper makes (for policy reports). */
public interface DecisionListener {

    void decided(ArgoReplicaSet rs, SweepDecision decision, Instant now);

    void removed(String namespace, String name);

    DecisionListener NONE = new DecisionListener() {
        @Override
        public void decided(ArgoReplicaSet rs, SweepDecision decision, Instant now) {
        }

        @Override
        public void removed(String namespace, String name) {
        }
    };
}
