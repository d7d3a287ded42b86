package io.actiontrail.internal.capture;

import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.CaptureStats;
import io.actiontrail.DeliveryListener;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.ModelAccess;
import io.actiontrail.internal.delivery.Pipeline;
import io.actiontrail.internal.journal.Journal;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The capture side of the façade: completes each recorded event from the defaults and the current
 * {@link AuditContext}, redacts it, and appends it to the pipeline's journal with the journal's encoding; counts
 * what it recorded and, by reason, what it could not. Never throws into the caller. Thread-safe.
 */
@InternalApi
public final class EventRecorder implements CallCapture.Recorder {

    /** What an event leaves absent and this instance's configuration supplies. Immutable and thread-safe. */
    public record Defaults(String serviceName, @Nullable String region, String eventSource) {}

    private final Defaults defaults;
    private final Snapshotter snapshotter;
    private final Journal.Encoding encoding;
    private final Pipeline pipeline;
    private final Clock clock;
    private final Warnings warnings;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder recorded = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> captureDrops = new ConcurrentHashMap<>();

    public EventRecorder(
            Defaults defaults,
            Snapshotter snapshotter,
            Journal.Encoding encoding,
            Pipeline pipeline,
            Clock clock,
            Warnings warnings) {
        this.defaults = defaults;
        this.snapshotter = snapshotter;
        this.encoding = encoding;
        this.pipeline = pipeline;
        this.clock = clock;
        this.warnings = warnings;
    }

    /**
     * Records an event. Values the event leaves absent are filled from the current {@link AuditContext} and from
     * the defaults; secrets are redacted; the journal encodes it (truncated, visibly, when over the size cap).
     *
     * <p>Never throws and never waits for a sink. An event that cannot be recorded ({@code null}, after
     * {@link #close()}, or an internal failure) is counted in {@link #stats()} and reported to the
     * {@link DeliveryListener}.
     */
    @Override
    public void record(@Nullable AuditEvent event) {
        if (event == null) {
            drop(DeliveryListener.Dropped.INVALID, "record(null) was called", null);
            return;
        }
        try {
            if (closed.get()) {
                drop(
                        DeliveryListener.Dropped.CLOSED,
                        "an event was recorded after close(): " + event.eventName(),
                        null);
                return;
            }
            append(complete(event, AuditContext.current()));
        } catch (RuntimeException | LinkageError | StackOverflowError | OutOfMemoryError e) {
            drop(DeliveryListener.Dropped.INTERNAL_ERROR, "recording an event failed: " + describe(e), e);
        }
    }

    private void append(AuditEvent event) {
        if (!pipeline.append(event, encoding)) {
            if (closed.get()) {
                drop(
                        DeliveryListener.Dropped.CLOSED,
                        "an event was recorded during close(): " + event.eventName(),
                        null);
            } else {
                drop(
                        DeliveryListener.Dropped.DISK_FULL,
                        "the journal cannot write to disk and the memory reserved for that case is full; event "
                                + event.eventName() + " was not recorded",
                        null);
            }
            return;
        }
        recorded.increment();
    }

    /** Fills defaults and context, and redacts the free-form objects. */
    private AuditEvent complete(AuditEvent e, AuditContext context) {
        AuditEvent.Builder b = e.toBuilder();
        if (e.eventType() == null) {
            b.eventType(context.eventType() != null ? context.eventType() : EventType.API_CALL);
        }
        if (e.eventRW() == null) {
            b.eventRW(EventRW.WRITE);
        }
        if (e.eventCategory() == null) {
            b.eventCategory(EventCategory.MANAGEMENT);
        }
        if (e.serviceName() == null) {
            b.serviceName(defaults.serviceName());
        }
        if (e.eventSource() == null) {
            b.eventSource(defaults.eventSource());
        }
        if (e.region() == null) {
            b.region(defaults.region());
        }
        if (e.userIdentity() == null) {
            b.userIdentity(context.identity() != null ? context.identity() : UserIdentity.anonymous());
        }
        if (e.sourceIpAddress() == null) {
            b.sourceIpAddress(context.sourceIpAddress());
        }
        if (e.userAgent() == null) {
            b.userAgent(context.userAgent());
        }
        if (e.requestId() == null) {
            b.requestId(context.requestId());
        }
        if (e.outcome() == null) {
            b.outcome(e.errorCode() != null ? Outcome.FAILURE : Outcome.SUCCESS);
        }
        AuditEvent filled = b.build();
        return redact(filled);
    }

    private AuditEvent redact(AuditEvent e) {
        Map<String, @Nullable Object> request =
                e.requestParameters() == null ? null : snapshotter.redactTree(e.requestParameters());
        Map<String, @Nullable Object> response =
                e.responseElements() == null ? null : snapshotter.redactTree(e.responseElements());
        Map<String, @Nullable Object> additional =
                e.additionalEventData() == null ? null : snapshotter.redactTree(e.additionalEventData());
        if (request == e.requestParameters()
                && response == e.responseElements()
                && additional == e.additionalEventData()) {
            return e;
        }
        return ModelAccess.get().withParts(e, request, response, additional);
    }

    @Override
    public void failed(String eventName, Throwable error) {
        drop(DeliveryListener.Dropped.INTERNAL_ERROR, "recording " + eventName + " failed: " + describe(error), error);
    }

    /** The error for a warning; its own {@code toString} may be what is broken (a message built from the call). */
    private static String describe(Throwable error) {
        try {
            return String.valueOf(error);
        } catch (RuntimeException | LinkageError e) {
            return error.getClass().getName();
        }
    }

    /** Returns what was recorded and, by reason, what could not be. */
    public CaptureStats stats() {
        Map<String, Long> drops = new HashMap<>();
        captureDrops.forEach((reason, count) -> drops.put(reason, count.sum()));
        return new CaptureStats(recorded.sum(), drops);
    }

    /** Refuses later events; returns {@code false} if it was closed already. */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    private void drop(String reason, String detail, @Nullable Throwable error) {
        try {
            captureDrops.computeIfAbsent(reason, r -> new LongAdder()).increment();
            pipeline.notifyDropped(new DeliveryListener.Dropped(null, null, 1, reason, detail, clock.instant()));
            if (error != null) {
                warnings.warn("capture-" + reason, "ActionTrail: " + detail, error);
            } else {
                warnings.warn("capture-" + reason, "ActionTrail: " + detail);
            }
        } catch (RuntimeException | LinkageError e) {
            // counting must not throw into the caller either
        }
    }
}
