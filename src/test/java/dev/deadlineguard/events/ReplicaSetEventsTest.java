package dev.deadlineguard.events;

import dev.deadlineguard.testing.ApiServer;
import dev.deadlineguard.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Repeats aggregate into one Event with a count, a storm is rate-limited per object, as client-go does. */
class ReplicaSetEventsTest {

    static final Instant T0 = Instant.parse("2024-08-01T16:00:00Z");

    final ApiServer api = ApiServer.onFreePort().start();
    final KubernetesClient client = api.client();
    final MutableClock clock = new MutableClock(T0);
    final ReplicaSetEvents events = new ReplicaSetEvents(client, clock, "replica-a");

    @AfterEach
    void close() {
        client.close();
        api.close();
    }

    Event repaired(String name) {
        return events.build("shop", name, "uid-" + name, null, "Warning", "ScaleDownDeadlineRepaired",
                "scale-down-deadline on ReplicaSet shop/" + name + " was blanked; deadline-guard restored it");
    }

    List<Event> written() {
        return client.v1().events().inNamespace("shop").list().getItems();
    }

    @Test
    void aRepeatWithinTheWindowRaisesTheCountOfTheEventAlreadyWritten() {
        assertThat(events.record(repaired("checkout-old"))).isEqualTo(ReplicaSetEvents.Outcome.CREATED);
        clock.advance(Duration.ofSeconds(30));
        assertThat(events.record(repaired("checkout-old"))).isEqualTo(ReplicaSetEvents.Outcome.AGGREGATED);
        clock.advance(Duration.ofSeconds(30));
        assertThat(events.record(repaired("checkout-old"))).isEqualTo(ReplicaSetEvents.Outcome.AGGREGATED);

        assertThat(written()).hasSize(1);
        Event event = written().get(0);
        assertThat(event.getCount()).isEqualTo(3);
        assertThat(event.getFirstTimestamp()).isEqualTo("2024-08-01T16:00:00Z");
        assertThat(event.getLastTimestamp()).isEqualTo("2024-08-01T16:01:00Z");

        assertThat(events.record(repaired("checkout-other"))).as("another object").isEqualTo(ReplicaSetEvents.Outcome.CREATED);
        clock.advance(ReplicaSetEvents.AGGREGATION_WINDOW);
        assertThat(events.record(repaired("checkout-old"))).as("after the window").isEqualTo(ReplicaSetEvents.Outcome.CREATED);
        assertThat(written()).hasSize(3);
    }

    @Test
    void aStormIsCutByAPerObjectTokenBucketThatRefillsSlowly() {
        int recorded = 0;
        for (int i = 0; i < ReplicaSetEvents.SPAM_BURST + 10; i++) {
            Event event = events.build("shop", "checkout-old", "uid-old", null, "Warning", "ScaleDownDeadlineRepaired",
                    "repair number " + i);  // every message differs: nothing aggregates
            if (events.record(event).recorded()) {
                recorded++;
            }
        }
        assertThat(recorded).isEqualTo(ReplicaSetEvents.SPAM_BURST);
        assertThat(written()).hasSize(ReplicaSetEvents.SPAM_BURST);
        assertThat(events.record(repaired("checkout-other"))).as("other objects have their own bucket")
                .isEqualTo(ReplicaSetEvents.Outcome.CREATED);

        clock.advance(ReplicaSetEvents.SPAM_REFILL);
        assertThat(events.record(events.build("shop", "checkout-old", "uid-old", null, "Warning", "X", "after refill")))
                .isEqualTo(ReplicaSetEvents.Outcome.CREATED);
        assertThat(events.record(events.build("shop", "checkout-old", "uid-old", null, "Warning", "X", "again")))
                .isEqualTo(ReplicaSetEvents.Outcome.RATE_LIMITED);
    }

    @Test
    void aNamespaceThatRefusesEventsFailsWithoutThrowing() {
        api.fault(new ApiServer.Fault(r -> r.getPath().startsWith("/api/v1/namespaces/shop/events"), 403,
                "events is forbidden"));
        assertThat(events.record(repaired("checkout-old"))).isEqualTo(ReplicaSetEvents.Outcome.FAILED);
        assertThat(events.record(repaired("checkout-new"))).isEqualTo(ReplicaSetEvents.Outcome.FAILED);
        api.clearFaults();
        assertThat(events.record(repaired("checkout-old"))).isEqualTo(ReplicaSetEvents.Outcome.CREATED);
    }
}
