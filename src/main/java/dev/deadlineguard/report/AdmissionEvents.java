package dev.deadlineguard.report;

import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.admission.Messages;
import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.policy.AdmissionInput;
import dev.deadlineguard.policy.KeyFinding;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Turns admission repairs, denials and warnings into Kubernetes Events on the ReplicaSet, off the
 * admission path: a bounded queue and one thread; when the queue is full the Event is dropped and
 * counted. Dry-run requests leave no Event.
 */
public final class AdmissionEvents implements ReviewObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionEvents.class);
    static final int QUEUE = 1000;

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;
    private final ThreadPoolExecutor executor;
    private final Counter events;

    public AdmissionEvents(KubernetesClient client, Clock clock, String instance, PrometheusRegistry registry) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "admission-events");
            t.setDaemon(true);
            return t;
        });
        this.events = Counter.builder().name("deadline_guard_admission_events_total")
                .help("Kubernetes Events for admission verdicts, by result (recorded, dropped, failed)")
                .labelNames("result").register(registry);
    }

    @Override
    public void reviewed(Endpoint endpoint, ReviewResult result) {
        if (result.decision() == null || result.decision().violations().isEmpty() || result.review().input().dryRun()) {
            return;
        }
        String reason;
        String type = "Warning";
        switch (result.action()) {
            case ReviewResult.PATCH -> reason = "ScaleDownDeadlineRepaired";
            case ReviewResult.DENY -> reason = "ScaleDownDeadlineChangeDenied";
            case ReviewResult.WARN -> reason = "ScaleDownDeadlineChangeWarned";
            default -> {
                return;
            }
        }
        AdmissionInput input = result.review().input();
        KeyFinding first = result.decision().violations().get(0);
        String message = switch (result.action()) {
            case ReviewResult.PATCH -> Messages.repaired(input.displayName(), first);
            case ReviewResult.DENY -> Messages.denied(input.displayName(), first, result.decision().violations().size() - 1);
            default -> Messages.wouldDeny(input.displayName(), first);
        };
        Event event = event(input, type, reason, message);
        try {
            executor.execute(() -> record(event));
        } catch (RejectedExecutionException e) {
            events.labelValues("dropped").inc();
        }
    }

    private Event event(AdmissionInput input, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        String uid = input.object() != null ? input.object().uid() : null;
        return new EventBuilder()
                .withNewMetadata().withNamespace(input.namespace())
                .withName(input.name() + "." + Long.toHexString(System.nanoTime())).endMetadata()
                .withNewInvolvedObject().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withNamespace(input.namespace()).withName(input.name()).withUid(uid).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent("deadline-guard").endSource()
                .withReportingComponent("deadline-guard").withReportingInstance(instance).withAction(reason)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
    }

    private void record(Event event) {
        try {
            client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
            events.labelValues("recorded").inc();
        } catch (KubernetesClientException e) {
            events.labelValues("failed").inc();
            LOG.warn("could not record event {} on ReplicaSet {}/{}: HTTP {}", event.getReason(),
                    event.getMetadata().getNamespace(), event.getInvolvedObject().getName(), e.getCode());
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
