package dev.deadlineguard.sweep;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An {@code apps/v1} ReplicaSet as the sweeper reads it from the API server: its metadata and {@code spec.replicas},
 * nothing else. The informer lists and watches this type, and the sweeper's writes answer in it, so the JSON parser
 * skips the pod template, the selector and the status without binding them: fabric8's model of a pod template (some
 * 300 classes, each with its deserializer and, on Java 17, generated reflection accessors) is neither built for every
 * item of every page and watch event nor, in {@code serve}, loaded at all (see {@link #bindAsSlim} for the watch).
 */
@Group("apps")
@Version("v1")
@Kind("ReplicaSet")
@Plural("replicasets")
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = JsonDeserializer.None.class)  // bound as it is, not by fabric8's lookup of apiVersion and kind
public class SlimReplicaSet implements HasMetadata, Namespaced {

    private static final long serialVersionUID = 1L;

    private String apiVersion = "apps/v1";
    private String kind = "ReplicaSet";
    private ObjectMeta metadata;
    private Spec spec;

    /** {@code spec}: only {@code replicas}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonDeserialize(using = JsonDeserializer.None.class)
    public static final class Spec implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        private Integer replicas;

        public Integer getReplicas() {
            return replicas;
        }

        public void setReplicas(Integer replicas) {
            this.replicas = replicas;
        }
    }

    /** A page of a list. */
    @JsonDeserialize(using = JsonDeserializer.None.class)
    public static final class List extends DefaultKubernetesResourceList<SlimReplicaSet> {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Makes {@code serialization} bind {@code apps/v1} ReplicaSets as this type wherever it looks the type up by
     * apiVersion and kind rather than being told it: a watch event's {@code object} above all. fabric8's watch first
     * reads every event that way ({@code AbstractWatchManager.contextAwareWatchEventDeserializer}) and only falls back
     * to the watched type when that fails, so without this each ReplicaSet event would be bound as a full ReplicaSet,
     * pod template included, and the first would load that model. Lists, gets and patches with fabric8's own
     * ReplicaSet type (audit's, for one) are told their type and are not affected.
     */
    public static void bindAsSlim(io.fabric8.kubernetes.client.utils.KubernetesSerialization serialization) {
        serialization.registerKubernetesResource(SlimReplicaSet.class);
    }

    /** The metadata and {@code spec.replicas} of a full ReplicaSet (shared, not copied). */
    public static SlimReplicaSet of(ReplicaSet rs) {
        SlimReplicaSet slim = new SlimReplicaSet();
        slim.setMetadata(rs.getMetadata());
        if (rs.getSpec() != null) {
            slim.setSpec(new Spec());
            slim.getSpec().setReplicas(rs.getSpec().getReplicas());
        }
        return slim;
    }

    /** A fabric8 ReplicaSet with this metadata (shared, not copied) and {@code spec.replicas}. */
    public ReplicaSet toReplicaSet() {
        ReplicaSet rs = new ReplicaSet();
        rs.setApiVersion(apiVersion);
        rs.setKind(kind);
        rs.setMetadata(getMetadata());
        if (spec != null) {
            ReplicaSetSpec full = new ReplicaSetSpec();
            full.setReplicas(spec.getReplicas());
            rs.setSpec(full);
        }
        return rs;
    }

    @Override
    public ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
        this.metadata = metadata;
    }

    @Override
    public String getApiVersion() {
        return apiVersion;
    }

    @Override
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public Spec getSpec() {
        return spec;
    }

    public void setSpec(Spec spec) {
        this.spec = spec;
    }
}
