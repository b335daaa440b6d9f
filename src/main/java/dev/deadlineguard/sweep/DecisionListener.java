package dev.deadlineguard.sweep;

import dev.deadlineguard.core.ArgoReplicaSet;

import java.time.Instant;

/** Hears every decision the sweeper makes (for policy reports). */
public interface DecisionListener {

    void decided(ArgoReplicaSet rs, SweepDecision decision, Instant now);

    /**
     * The same, with the cache's {@code namespace/name} of the ReplicaSet: the one string the cache, the deadline queue
     * and the sweeper share, which a listener that keeps something per ReplicaSet can keep too instead of a copy.
     */
    default void decided(String key, ArgoReplicaSet rs, SweepDecision decision, Instant now) {
        decided(rs, decision, now);
    }

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
