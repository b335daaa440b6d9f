package dev.deadlineguard.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one place that builds and records Kubernetes Events on a ReplicaSet, for the sweeper's actions
 * and the admission verdicts alike. Recording never throws: a failed Event never fails an action.
 * <p>
 * As client-go's {@code EventCorrelator} does, a repeat of the same Event (same object, type, reason
 * and message) within {@link #AGGREGATION_WINDOW} raises the count and the last timestamp of the
 * Event already written instead of creating another, and each object has a token bucket
 * ({@link #SPAM_BURST} Events, then one per {@link #SPAM_REFILL}), so that a storm of the controller
 * bug cannot flood etcd. A namespace that refuses Events is said once per change in the log.
 */
public final class ReplicaSetEvents {

    public static final String COMPONENT = "deadline-guard";
    static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);
    static final int SPAM_BURST = 25;
    static final Duration SPAM_REFILL = Duration.ofMinutes(5);
    static final int MAX_TRACKED = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetEvents.class);

    /** What became of one Event. */
    public enum Outcome {
        /** A new Event was written. */
        CREATED,
        /** An earlier identical Event's count was raised. */
        AGGREGATED,
        /** The object had used up its Events for now. */
        RATE_LIMITED,
        /** The API server refused or did not answer. */
        FAILED;

        public boolean recorded() {
            return this == CREATED || this == AGGREGATED;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Seen(String eventName, int count, Instant last) {
    }

    private static final class Bucket {
        double tokens = SPAM_BURST;
        Instant refilled;
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;
    private final Map<String, Seen> seen = lru();
    private final Map<String, Bucket> buckets = lru();
    private final Map<String, Integer> refusing = new java.util.HashMap<>();

    /** @param instance this replica's name, as the Events' reportingInstance */
    public ReplicaSetEvents(KubernetesClient client, Clock clock, String instance) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
    }

    /** An Event about one ReplicaSet; {@code uid} and {@code resourceVersion} may be {@code null}. */
    public Event build(String namespace, String name, String uid, String resourceVersion, String type, String reason,
                       String message) {
        String now = timestamp(clock.instant());
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

    /** Records the Event: a new one, or a repeat counted on the earlier one, or dropped by the rate limit. */
    public synchronized Outcome record(Event event) {
        Instant now = clock.instant();
        String namespace = event.getMetadata().getNamespace();
        var object = event.getInvolvedObject();
        String objectKey = namespace + "/" + object.getName() + "/" + object.getUid();
        if (!take(objectKey, now)) {
            return Outcome.RATE_LIMITED;
        }
        String key = objectKey + "|" + event.getType() + "|" + event.getReason() + "|" + event.getMessage();
        Seen before = seen.get(key);
        try {
            if (before != null && Duration.between(before.last(), now).compareTo(AGGREGATION_WINDOW) < 0) {
                int count = before.count() + 1;
                try {
                    // resource(...) rather than withName(...): fabric8 would GET the Event first to patch by name
                    Event written = new EventBuilder().withNewMetadata().withNamespace(namespace)
                            .withName(before.eventName()).endMetadata().build();
                    client.v1().events().inNamespace(namespace).resource(written)
                            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"count\":" + count + ",\"lastTimestamp\":\""
                                    + timestamp(now) + "\"}");
                    seen.put(key, new Seen(before.eventName(), count, now));
                    accepted(namespace);
                    return Outcome.AGGREGATED;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                    // the earlier Event has expired (Events live an hour): write a new one
                }
            }
            client.v1().events().inNamespace(namespace).resource(event).create();
            seen.put(key, new Seen(event.getMetadata().getName(), 1, now));
            accepted(namespace);
            return Outcome.CREATED;
        } catch (KubernetesClientException e) {
            Integer said = refusing.put(namespace, e.getCode());
            if (said == null || said != e.getCode()) {
                LOG.warn("could not record event {} on ReplicaSet {}/{}: {}; said once per namespace until it changes",
                        event.getReason(), namespace, object.getName(), dev.deadlineguard.cluster.ConnectionProblem.describe(e));
            }
            return Outcome.FAILED;
        }
    }

    private void accepted(String namespace) {
        if (refusing.remove(namespace) != null) {
            LOG.info("recording events in namespace {} works again", namespace);
        }
    }

    /** Takes one token of the object's bucket, refilled at one per {@link #SPAM_REFILL} up to {@link #SPAM_BURST}. */
    private boolean take(String objectKey, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(objectKey, k -> new Bucket());
        if (bucket.refilled != null) {
            double refill = (double) Duration.between(bucket.refilled, now).toMillis() / SPAM_REFILL.toMillis();
            bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + Math.max(0, refill));
        }
        bucket.refilled = now;
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    private static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A map that forgets its least recently used entries beyond {@link #MAX_TRACKED}, as client-go's LRU caches. */
    private static <V> Map<String, V> lru() {
        return new java.util.LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_TRACKED;
            }
        };
    }
}
