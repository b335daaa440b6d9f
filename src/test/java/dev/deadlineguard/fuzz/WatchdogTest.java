package dev.deadlineguard.fuzz;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatchdogTest {

    @Test
    void aHangIsAFindingThatShowsWhereItIsStuck() {
        AtomicBoolean stop = new AtomicBoolean();
        try {
            assertThatThrownBy(() -> Watchdog.run(() -> spin(stop), Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("hang: one input ran for over 200 ms")
                    .cause().hasMessageContaining("where the input was stuck")
                    .satisfies(where -> assertThat(where.getStackTrace())
                            .anyMatch(frame -> frame.getMethodName().equals("spin")));
        } finally {
            stop.set(true);
        }
        // The next input runs on a fresh thread, not behind the stuck one.
        AtomicBoolean ran = new AtomicBoolean();
        Watchdog.run(() -> ran.set(true), Duration.ofSeconds(5));
        assertThat(ran).isTrue();
    }

    @Test
    void failuresOfTheInputEscapeUnwrapped() {
        IllegalStateException boom = new IllegalStateException("boom");
        assertThatThrownBy(() -> Watchdog.run(() -> {
            throw boom;
        })).isSameAs(boom);
        AssertionError finding = new AssertionError("finding");
        assertThatThrownBy(() -> Watchdog.run(() -> {
            throw finding;
        })).isSameAs(finding);
    }

    private static void spin(AtomicBoolean stop) {
        while (!stop.get()) {
            Thread.onSpinWait();
        }
    }
}
