package dev.deadlineguard.sweep;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The deadline queue: earliest first, ties in scheduling order, one schedule per key. */
class DeadlineQueueTest {

    static final Instant T0 = Instant.parse("2024-08-01T16:00:00Z");

    @Test
    void keysComeOutEarliestFirstAndTiesInTheOrderTheyWereScheduled() {
        DeadlineQueue queue = new DeadlineQueue();
        queue.schedule("ns/c", T0.plusSeconds(30));
        queue.schedule("ns/a", T0.plusSeconds(10));
        queue.schedule("ns/b", T0.plusSeconds(10));
        queue.schedule("ns/d", T0.plusSeconds(10).plusNanos(1));
        queue.schedule("ns/e", Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(queue.size()).isEqualTo(5);
        assertThat(queue.nextDue()).contains(T0.plusSeconds(10));
        assertThat(queue.takeDue(T0.plusSeconds(9))).isEmpty();
        assertThat(queue.takeDue(T0.plusSeconds(10))).containsExactly("ns/a", "ns/b");
        assertThat(queue.takeDue(T0.plusSeconds(30))).containsExactly("ns/d", "ns/c");
        assertThat(queue.dueOf("ns/e")).contains(Instant.parse("9999-12-31T23:59:59Z"));
        assertThat(queue.dueOf("ns/a")).isEmpty();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void schedulingAgainReplacesTheInstantAndNoLaterThanOnlyMovesItEarlier() {
        DeadlineQueue queue = new DeadlineQueue();
        queue.schedule("ns/a", T0.plusSeconds(10));
        queue.schedule("ns/b", T0.plusSeconds(20));
        queue.schedule("ns/a", T0.plusSeconds(30));
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.nextDue()).contains(T0.plusSeconds(20));
        assertThat(queue.dueOf("ns/a")).contains(T0.plusSeconds(30));

        queue.scheduleNoLaterThan("ns/a", T0.plusSeconds(40));
        assertThat(queue.dueOf("ns/a")).contains(T0.plusSeconds(30));
        queue.scheduleNoLaterThan("ns/a", T0.plusSeconds(5));
        assertThat(queue.dueOf("ns/a")).contains(T0.plusSeconds(5));
        queue.scheduleNoLaterThan("ns/new", T0.plusSeconds(7));
        assertThat(queue.dueOf("ns/new")).contains(T0.plusSeconds(7));

        queue.remove("ns/a");
        queue.remove("ns/missing");
        assertThat(queue.takeDue(T0.plusSeconds(60))).containsExactly("ns/new", "ns/b");
        assertThat(queue.size()).isZero();
        assertThat(queue.nextDue()).isEmpty();
    }

    @Test
    void manySchedulesAndRemovalsKeepTheOrderOfASortedMap() {
        DeadlineQueue queue = new DeadlineQueue();
        TreeMap<String, Instant> model = new TreeMap<>();
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            String key = "ns/rs-" + random.nextInt(3_000);
            if (random.nextInt(5) == 0) {
                queue.remove(key);
                model.remove(key);
            } else {
                Instant at = T0.plusMillis(random.nextInt(1_000_000));
                queue.schedule(key, at);
                model.put(key, at);
            }
        }
        assertThat(queue.size()).isEqualTo(model.size());
        List<String> expected = new ArrayList<>(model.keySet());
        // earliest first; the model's keys were scheduled in random order, so ties (same millisecond) are rare
        // but possible: compare instants, then check every key came out once
        expected.sort((a, b) -> model.get(a).compareTo(model.get(b)));
        List<String> taken = queue.takeDue(T0.plusMillis(1_000_000));
        assertThat(taken).extracting(model::get).isSorted().containsExactlyElementsOf(expected.stream().map(model::get).toList());
        assertThat(taken).containsExactlyInAnyOrderElementsOf(model.keySet());
        assertThat(queue.size()).isZero();
    }
}
