package io.actiontrail.capture;

import io.actiontrail.AuditEvent;
import java.time.Instant;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Records calls of audited methods as events, for framework integrations: the same event {@code ActionTrail.proxy}
 * records for the same call. Obtained from {@code ActionTrail.callRecorder()}; thread-safe.
 *
 * <p>The event gets the plan's name and types, the call's start and duration, the resource from the expressions (an
 * expression over the result has no value when the call failed), the captured arguments under their parameter names
 * and the captured result, both snapshotted with the ActionTrail's limits and redacted with its keys, and, for a
 * failed call, the outcome and error of the exception. Then the current {@code AuditContext} and the defaults fill
 * what is left, as for {@code record}.
 */
public interface CallRecorder {

    /** What a {@code @Sensitive} argument, property or secret key is recorded as. */
    String REDACTED = "<redacted>";

    /** The current time on the ActionTrail's clock: when a call starts. */
    Instant now();

    /**
     * Records one finished call. Never throws: an event that cannot be built (an argument whose snapshot fails beyond
     * what the snapshot contains, an error) is counted as dropped and reported to the {@code DeliveryListener}.
     */
    void record(AuditedMethod method, Invocation invocation);

    /**
     * Records one finished call, letting {@code customizer} change the event last, for what the integration knows
     * and the call does not (an HTTP status, the caller's identity, request parameters that are not arguments).
     * Never throws: a customizer that throws drops the event, counted and reported like any failure to build it.
     */
    void record(AuditedMethod method, Invocation invocation, Consumer<AuditEvent.Builder> customizer);

    /**
     * Builds the event of one finished call as {@link #record(AuditedMethod, Invocation, Consumer)} would, without
     * recording it: for an integration that records it later through {@code ActionTrail.record}, such as when the
     * transaction the call ran in has ended. The arguments and result are snapshotted now. Never throws: returns
     * {@code null} when the event cannot be built, counted as dropped and reported like any failure to build it.
     */
    @Nullable
    AuditEvent event(AuditedMethod method, Invocation invocation, Consumer<AuditEvent.Builder> customizer);
}
