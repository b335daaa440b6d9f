package dev.deadlineguard.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one place that builds and records Kubernetes Events on a ReplicaSet, for the sweeper's actions
 * and the admission verdicts alike. Recording never throws: a failed Event never fails an action.
 */
public final class ReplicaSetEvents {

    public static final String COMPONENT = "deadline-guard";
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetEvents.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;

    /** @param instance this replica's name, as the Events' reportingInstance */
    public ReplicaSetEvents(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
    }

    /** An Event about one ReplicaSet; {@code uid} and {@code resourceVersion} may be {@code null}. */
    public Event build(String namespace, String name, String uid, String resourceVersion, String type, String reason,
                       String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name + "." + Long.toHexString(System.nanoTime()))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("apps/v1").withKind("ReplicaSet")
                .withNamespace(namespace).withName(name)
                .withUid(uid).withResourceVersion(resourceVersion)
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .withAction(reason)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
    }

    /** Creates the Event; returns whether it was recorded. */
    public boolean record(Event event) {
        try {
            client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("could not record event {} on ReplicaSet {}/{}: HTTP {}", event.getReason(),
                    event.getMetadata().getNamespace(), event.getInvolvedObject().getName(), e.getCode());
            return false;
        }
    }
}
