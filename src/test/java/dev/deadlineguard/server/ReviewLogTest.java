package dev.deadlineguard.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReviewLogTest {

    final AtomicLong now = new AtomicLong(1_000);
    final ReviewLog log = new ReviewLog(now::get);

    @Test
    void aStormOfTheSameRepairIsOneLineAnIntervalWithTheCountOfTheRest() {
        List<Long> logged = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            logged.add(log.admit("/mutate", "shop", "rs1", "blanked", "patch"));
        }
        assertThat(logged.get(0)).isZero();
        assertThat(logged.subList(1, 1000)).containsOnly(-1L);

        now.addAndGet(ReviewLog.INTERVAL_NANOS - 1);
        assertThat(log.admit("/mutate", "shop", "rs1", "blanked", "patch")).isEqualTo(-1);
        now.addAndGet(1);
        assertThat(log.admit("/mutate", "shop", "rs1", "blanked", "patch")).as("the next line counts the rest").isEqualTo(1000);
        assertThat(log.admit("/mutate", "shop", "rs1", "blanked", "patch")).isEqualTo(-1);
    }

    @Test
    void otherReplicaSetsEndpointsCasesAndActionsHaveTheirOwnLines() {
        assertThat(log.admit("/mutate", "shop", "rs1", "blanked", "patch")).isZero();
        assertThat(log.admit("/validate", "shop", "rs1", "blanked", "deny")).isZero();
        assertThat(log.admit("/mutate", "shop", "rs2", "blanked", "patch")).isZero();
        assertThat(log.admit("/mutate", "shop", "rs1", "invalid", "patch")).isZero();
        assertThat(log.admit("/mutate", "other", "rs1", "blanked", "patch")).isZero();
        assertThat(log.admit("/mutate", "shop", "rs1", "blanked", "patch")).isEqualTo(-1);
    }
}
