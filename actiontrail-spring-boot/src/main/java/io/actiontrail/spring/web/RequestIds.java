package io.actiontrail.spring.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request's id, for both web stacks: the caller's own when it is a safe token, else the W3C {@code traceparent}'s
 * trace id, else a new random UUID. Stateless.
 */
final class RequestIds {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

    private RequestIds() {}

    /**
     * @param given the request-id header's value
     * @param traceparent the {@code traceparent} header's value
     */
    static String of(@Nullable String given, @Nullable String traceparent) {
        if (given != null && SAFE_ID.matcher(given).matches()) {
            return given;
        }
        if (traceparent != null) {
            Matcher m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return random();
    }

    /**
     * A version-4 UUID from the thread's random generator: an id must be unique, not unpredictable, and
     * {@code UUID.randomUUID()}'s secure generator costs a measurable part of the capture on every request without one.
     */
    static String random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(high, low).toString();
    }
}
