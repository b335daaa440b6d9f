package dev.deadlineguard.sweep;

import dev.deadlineguard.testing.Eventually;
import dev.deadlineguard.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader's loop: runs what is due when it is due, and stop() returns only once the loop has ended. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SweepWorkerTest {

    final MutableClock clock = new MutableClock(Instant.parse("2024-08-01T16:00:00Z"));
    final DeadlineQueue queue = new DeadlineQueue();

    @Test
    void wakesWhenAKeyIsScheduledAndStopsOnRequest() {
        AtomicInteger passes = new AtomicInteger();
        SweepWorker worker = new SweepWorker(queue, clock, () -> {
            passes.incrementAndGet();
            return queue.takeDue(clock.instant()).size();
        });
        worker.start();
        worker.start();  // idempotent: one loop
        Eventually.until("a first pass", Duration.ofSeconds(10), () -> passes.get() >= 1);
        int before = passes.get();
        queue.schedule("shop/checkout-old", clock.instant());
        Eventually.until("a pass for the new key", Duration.ofSeconds(10), () -> queue.size() == 0 && passes.get() > before);
        assertThat(worker.running()).isTrue();
        worker.stop();
        assertThat(worker.running()).isFalse();
    }

    @Test
    void stopInterruptsAPassInFlightAndWaitsForItToEnd() throws Exception {
        CountDownLatch inPass = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        SweepWorker worker = new SweepWorker(queue, clock, () -> {
            inPass.countDown();
            try {
                Thread.sleep(60_000);  // an API call that hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended.set(true);
            return 0;
        });
        worker.start();
        assertThat(inPass.await(10, TimeUnit.SECONDS)).isTrue();
        worker.stop();
        assertThat(ended).as("the pass had ended when stop() returned: no write after losing the lease").isTrue();
    }
}
