package dev.deadlineguard.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalTest {

    static final String UID = "6e46f4c6-95f8-459b-81ab-08c62cb281b5";

    @Test
    void packingReadsBackOnlyWhatFormatsBackExactly() {
        assertThat(Canonical.uuid(UID)).hasToString(UID);
        assertThat(Canonical.uuid(UID.toUpperCase())).isNull();
        assertThat(Canonical.uuid("1-2-3-4-5")).isNull();
        assertThat(Canonical.decimal("0", 18)).isTrue();
        assertThat(Canonical.decimal("123456789012345678", 18)).isTrue();
        assertThat(Canonical.decimal("1234567890123456789", 18)).isFalse();
        assertThat(Canonical.decimal("012", 18)).isFalse();
        assertThat(Canonical.decimal("", 18)).isFalse();
        assertThat(Canonical.decimal("+1", 18)).isFalse();
        assertThat(Canonical.decimal("١", 18)).as("digits of another script").isFalse();
        assertThat(Canonical.deadline("2024-08-01T15:13:36Z")).isTrue();
        assertThat(Canonical.deadline("2024-08-01T15:13:36.000Z")).isFalse();
        assertThat(Canonical.deadline("2024-08-01T15:13:36+00:00")).isFalse();
        assertThat(Canonical.deadline("2024-8-01T15:13:36Z")).isFalse();
        assertThat(Canonical.deadline("2024-02-30T15:13:36Z")).isFalse();
        assertThat(Canonical.deadline("")).isFalse();
    }
}
