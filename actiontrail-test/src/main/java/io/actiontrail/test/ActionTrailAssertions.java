package io.actiontrail.test;

import io.actiontrail.AuditEvent;
import org.jspecify.annotations.Nullable;

/**
 * Entry point of the AssertJ assertions on recorded audit events. Import statically next to AssertJ's own:
 *
 * <pre>{@code
 * import static io.actiontrail.test.ActionTrailAssertions.assertThat;
 *
 * assertThat(sink).awaitRecorded(1, Duration.ofSeconds(5))
 *         .singleEventNamed("CreateOrder")
 *         .hasOutcome(Outcome.SUCCESS)
 *         .hasUserName("alice");
 * }</pre>
 *
 * <p>Thread-safe: it holds no state.
 */
public final class ActionTrailAssertions {

    private ActionTrailAssertions() {}

    /** Returns assertions on what {@code sink} received. */
    public static AuditSinkAssert assertThat(@Nullable InMemoryAuditSink sink) {
        return new AuditSinkAssert(sink);
    }

    /** Returns assertions on one event. */
    public static AuditEventAssert assertThat(@Nullable AuditEvent event) {
        return new AuditEventAssert(event);
    }
}
