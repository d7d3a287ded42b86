package io.actiontrail.internal.capture;

import io.actiontrail.AuditEvent;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.JsonTree;
import io.actiontrail.internal.codec.ModelAccess;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one finished call of an audited method into an event, by the method's {@link AuditingHandler.Plan}: the
 * resource from its expressions, the arguments and result snapshotted and redacted, the failure as outcome and error.
 * The event goes to a {@link Recorder}; capture never calls back into the façade. Thread-safe.
 */
@InternalApi
public final class CallCapture {

    /** Where captured events go; implementations never throw and are thread-safe. */
    public interface Recorder {
        /** Takes one captured event. */
        void record(AuditEvent event);

        /** Told that building the event of a call failed: the call is counted as dropped. */
        void failed(String eventName, Throwable error);
    }

    private final Snapshotter snapshotter;
    private final Clock clock;
    private final Recorder recorder;

    public CallCapture(Snapshotter snapshotter, Clock clock, Recorder recorder) {
        this.snapshotter = snapshotter;
        this.clock = clock;
        this.recorder = recorder;
    }

    /** The time a call starts, from the configured clock. */
    Instant now() {
        return clock.instant();
    }

    /** Records one call of an audited method; never throws. */
    void recordCall(
            AuditingHandler.Plan plan,
            @Nullable Object[] args,
            @Nullable Object result,
            @Nullable Throwable failure,
            Instant start,
            long elapsedNanos) {
        try {
            AuditEvent.Builder b = AuditEvent.builder(plan.eventName())
                    .eventTime(start)
                    .eventRW(plan.eventRW())
                    .eventType(plan.eventType())
                    .eventCategory(plan.eventCategory())
                    .durationMs(elapsedNanos / 1_000_000);
            boolean hasResult = failure == null;
            if (plan.resourceType() != null
                    && (hasResult || !plan.resourceType().usesResult())) {
                b.resourceType(plan.resourceType().evaluate(args, result));
            }
            if (plan.resourceName() != null
                    && (hasResult || !plan.resourceName().usesResult())) {
                b.resourceName(plan.resourceName().evaluate(args, result));
            }
            Map<String, @Nullable Object> request =
                    plan.captureArgs() ? AuditingHandler.parameters(plan, args, snapshotter) : null;
            Map<String, @Nullable Object> response = null;
            if (plan.captureResult() && hasResult) {
                Object snapshot = snapshotter.snapshot(result);
                if (snapshot instanceof Map<?, ?>) {
                    @SuppressWarnings("unchecked")
                    Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) snapshot;
                    response = map;
                } else {
                    LinkedHashMap<String, @Nullable Object> wrapped = new LinkedHashMap<>();
                    wrapped.put("result", snapshot);
                    response = JsonTree.adoptObject(wrapped);
                }
            }
            if (failure != null) {
                b.failure(failure);
            }
            // the trees are snapshotted with this instance's limits and keys: the builder's setters would redo it
            recorder.record(ModelAccess.get().parts(b, request, response, null).build());
        } catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            recorder.failed(plan.eventName(), e);
        }
    }
}
