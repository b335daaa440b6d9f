package dev.deadlineguard.core;

import java.util.Objects;

/**
 * The ownerReference with {@code controller: true} of a ReplicaSet: the object that controls it. Kubernetes allows
 * at most one.
 */
public record ControllerRef(String apiVersion, String kind, String name, String uid) {

    /** The API version of the Rollouts that Argo Rollouts controls ReplicaSets from. */
    public static final String ROLLOUT_API_VERSION = "argoproj.io/v1alpha1";
    public static final String ROLLOUT_KIND = "Rollout";

    /** The controller is an Argo Rollouts {@code Rollout} (kind and apiVersion). */
    public boolean isRollout() {
        return ROLLOUT_KIND.equals(kind) && ROLLOUT_API_VERSION.equals(apiVersion);
    }

    /** It names this very Rollout: same name and same uid (a name alone may be a deleted Rollout's). */
    public boolean isRollout(RolloutState rollout) {
        return isRollout() && rollout != null && Objects.equals(name, rollout.name()) && uid != null
                && uid.equals(rollout.uid());
    }

    /** {@code Kind/name} for messages. */
    public String display() {
        return (kind == null ? "?" : kind) + "/" + (name == null ? "?" : name);
    }
}
