package dev.deadlineguard.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class Rfc3339Test {

    @ParameterizedTest
    @CsvSource({
            "2024-08-01T15:13:36Z, 2024-08-01T15:13:36Z",
            "2024-08-01T15:13:36.5Z, 2024-08-01T15:13:36.500Z",
            "2024-08-01T15:13:36.123456789Z, 2024-08-01T15:13:36.123456789Z",
            "2024-08-01T17:13:36+02:00, 2024-08-01T15:13:36Z",
            "2024-08-01T10:13:36-05:00, 2024-08-01T15:13:36Z",
            "2024-02-29T00:00:00Z, 2024-02-29T00:00:00Z",
            // Go's layout parser is more lenient than RFC 3339, and the controller honours all of these:
            "'2024-08-01T15:13:36,5Z', 2024-08-01T15:13:36.500Z",
            "2024-08-01T15:13:36.1234567891Z, 2024-08-01T15:13:36.123456789Z",
            "2024-08-01T15:13:36+24:00, 2024-07-31T15:13:36Z",
            "2024-08-01T15:13:36+-1:00, 2024-08-01T16:13:36Z",
            "2000-02-29T0:00:00Z, 2000-02-29T00:00:00Z",
            "2024-08-01T15:13:.5Z, 2024-08-01T15:13:00.500Z",
    })
    void acceptsWhatGoAccepts(String text, String expected) {
        assertThat(Rfc3339.parse(text)).contains(Instant.parse(expected));
        assertThat(DeadlineValue.of(text).state()).isEqualTo(DeadlineValue.State.VALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2024-08-01 15:13:36", "2024-08-01T15:13Z", "2024-08-01", "2024-08-01T15:13:36",
            "2024-08-01t15:13:36z", "2024-13-01T15:13:36Z", "2023-02-29T00:00:00Z", "2024-08-01T24:00:00Z",
            "2024-08-01T15:13:60Z", "2024-08-01T15:13:36+2:00", "2023-02-29T12:00:00Z", " 2024-08-01T15:13:36Z",
            "2024-08-01T15:13:36Z ", "tomorrow", "1722525216", "2024-08-01T15:13:36.Z", "２０２４-08-01T15:13:36Z",
            "2024-08-01T15:13:5.5Z", "2024-08-01T1:3:36Z", "2024-8-01T15:13:36Z",
    })
    void rejectsEverythingElse(String text) {
        assertThat(Rfc3339.parse(text)).isEmpty();
        assertThat(DeadlineValue.of(text).state()).isEqualTo(DeadlineValue.State.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "\n  "})
    void blankIsItsOwnState(String text) {
        assertThat(DeadlineValue.of(text).state()).isEqualTo(DeadlineValue.State.BLANK);
    }

    @org.junit.jupiter.api.Test
    void formatsLikeArgoRollouts() {
        assertThat(Rfc3339.format(Instant.parse("2024-08-01T15:13:36.987Z"))).isEqualTo("2024-08-01T15:13:36Z");
        assertThat(DeadlineValue.of(null).state()).isEqualTo(DeadlineValue.State.ABSENT);
    }
}
