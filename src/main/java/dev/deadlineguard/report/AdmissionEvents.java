package dev.deadlineguard.report;

import dev.deadlineguard.admission.Endpoint;
import dev.deadlineguard.events.ReplicaSetEvents;
import dev.deadlineguard.admission.Messages;
import dev.deadlineguard.admission.ReviewObserver;
import dev.deadlineguard.admission.ReviewResult;
import dev.deadlineguard.policy.AdmissionInput;
import dev.deadlineguard.policy.KeyFinding;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
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

    static final int QUEUE = 1000;

    private final ReplicaSetEvents recorder;
    private final ThreadPoolExecutor executor;
    private final Counter events;

    public AdmissionEvents(KubernetesClient client, Clock clock, String instance, PrometheusRegistry registry) {
        this.recorder = new ReplicaSetEvents(client, clock, instance);
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "admission-events");
            t.setDaemon(true);
            return t;
        });
        this.events = Counter.builder().name("deadline_guard_admission_events_total")
                .help("Kubernetes Events for admission verdicts, by result (created, aggregated: a repeat counted on the "
                        + "earlier Event, rate_limited, dropped: the queue was full, failed)")
                .labelNames("result").register(registry);
        // exported as 0 from start: every outcome of the recorder, and "dropped" (the queue was full)
        for (ReplicaSetEvents.Outcome outcome : ReplicaSetEvents.Outcome.values()) {
            events.labelValues(outcome.label());
        }
        events.labelValues("dropped");
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
        String uid = input.object() != null ? input.object().uid() : null;
        Event event = recorder.build(input.namespace(), input.name(), uid, null, type, reason, message);
        try {
            executor.execute(() -> record(event));
        } catch (RejectedExecutionException e) {
            events.labelValues("dropped").inc();
        }
    }

    private void record(Event event) {
        events.labelValues(recorder.record(event).label()).inc();
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
