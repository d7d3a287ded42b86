package io.actiontrail.transport.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/** The {@code Retry-After} header (RFC 9110, section 10.2.3): delay-seconds or an HTTP date. Stateless, thread-safe. */
final class RetryAfter {

    private RetryAfter() {}

    /**
     * Returns how long {@code value} asks to wait from {@code now}: zero for a date in the past, {@code null} when the
     * value is absent or malformed (a malformed header is ignored, never an error).
     */
    static @Nullable Duration parse(@Nullable String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.matches("[0-9]{1,10}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
