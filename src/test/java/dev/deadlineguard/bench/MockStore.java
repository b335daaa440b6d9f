package dev.deadlineguard.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Fills the fabric8 mock API server's CRUD store directly, with what its POST handler would store (uid, creation
 * time, resourceVersion, generation 1), and no HTTP request per object: the mock's create looks for an existing
 * object by scanning the whole store, so filling it with 100,000 objects through the API takes quadratic time (10,000
 * took 90 s). Not thread-safe: fill before any client talks to the server.
 */
final class MockStore {

    private final KubernetesCrudDispatcher dispatcher;

    MockStore(KubernetesCrudDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Stores {@code object} under its collection path (for example {@code /apis/apps/v1/namespaces/ns/replicasets}); returns its uid. */
    String create(String collectionPath, HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        if (meta.getUid() == null) {
            meta.setUid(UUID.randomUUID().toString());
        }
        meta.setCreationTimestamp(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        meta.setResourceVersion(Long.toString(dispatcher.requestResourceVersion()));
        meta.setGeneration(1L);
        String json = Serialization.asJson(object);
        GenericKubernetesResource generic = Serialization.unmarshal(json, GenericKubernetesResource.class);
        AttributeSet key = dispatcher.getKey(collectionPath).add(new Attribute("name", meta.getName()));
        dispatcher.processEvent(collectionPath, key, null, generic, json);
        return meta.getUid();
    }
}
