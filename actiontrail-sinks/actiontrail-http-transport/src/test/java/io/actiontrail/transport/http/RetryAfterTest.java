package io.actiontrail.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");

    @Test
    void readsDelaySecondsAndHttpDates() {
        assertThat(RetryAfter.parse("0", NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Sat, 14 Mar 2026 09:28:23 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Sat, 14 Mar 2026 09:26:00 GMT", NOW))
                .as("a date in the past")
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresWhatIsAbsentOrMalformed() {
        assertThat(RetryAfter.parse("", NOW)).isNull();
        assertThat(RetryAfter.parse(null, NOW)).isNull();
        assertThat(RetryAfter.parse("soon", NOW)).isNull();
        assertThat(RetryAfter.parse("-5", NOW)).isNull();
        assertThat(RetryAfter.parse("99999999999", NOW))
                .as("more digits than any sane delay")
                .isNull();
        assertThat(RetryAfter.parse("Sat, 14 Mar 2026", NOW)).isNull();
    }
}
