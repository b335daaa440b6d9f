package dev.deadlineguard.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2);

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        assertThat(backoff.delay(1, () -> 0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delay(2, () -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(3, () -> 0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(7, () -> 0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(1_000, () -> 0)).as("no overflow").isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void addsUpToTheJitterFractionAtRandom() {
        assertThat(backoff.delay(1, () -> 1)).isEqualTo(Duration.ofMillis(600));
        assertThat(backoff.delay(7, () -> 0.5)).isEqualTo(Duration.ofSeconds(33));
        assertThat(backoff.longest()).isEqualTo(Duration.ofSeconds(36));
    }

    @Test
    void rejectsANonsensicalShapeAndPrintsDurationsAsPeopleWriteThem() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Backoff.describe(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Backoff.describe(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Backoff.describe(Duration.ofMinutes(5))).isEqualTo("5m");
    }
}
