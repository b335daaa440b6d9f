package dev.deadlineguard.sweep;

import dev.deadlineguard.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessGateTest {

    @Test
    void waitsForTheSyncButNotForEver() {
        MutableClock clock = new MutableClock(Instant.parse("2024-08-01T16:00:00Z"));
        AtomicBoolean synced = new AtomicBoolean();
        ReadinessGate gate = new ReadinessGate(synced::get, clock, Duration.ofSeconds(60));

        assertThat(gate.getAsBoolean()).as("not started, not synced").isFalse();
        gate.start();
        clock.advance(Duration.ofSeconds(60));
        assertThat(gate.getAsBoolean()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(gate.getAsBoolean()).as("gave up waiting").isTrue();
        assertThat(gate.gaveUp()).isTrue();
    }

    @Test
    void aSyncMakesItReadyAtOnce() {
        MutableClock clock = new MutableClock(Instant.parse("2024-08-01T16:00:00Z"));
        AtomicBoolean synced = new AtomicBoolean();
        ReadinessGate gate = new ReadinessGate(synced::get, clock, Duration.ofSeconds(60));
        gate.start();
        assertThat(gate.getAsBoolean()).isFalse();
        synced.set(true);
        assertThat(gate.getAsBoolean()).isTrue();
        assertThat(gate.gaveUp()).isFalse();
    }
}
