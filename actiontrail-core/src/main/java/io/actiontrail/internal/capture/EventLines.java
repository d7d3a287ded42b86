package io.actiontrail.internal.capture;

import io.actiontrail.AuditEvent;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.Warnings;
import io.actiontrail.internal.codec.EventEncoder;
import io.actiontrail.internal.journal.Journal;
import io.actiontrail.sink.AuditRecord;

/**
 * The journal's encoding of recorded events: each event becomes its JSON line, truncated with a marker when over the
 * size cap, or its envelope with the error when it cannot be encoded at all. The journal calls it on the caller's
 * thread or on its writer thread; it calls nothing back. Thread-safe.
 */
@InternalApi
public final class EventLines implements Journal.Encoding {

    private final EventEncoder encoder;
    private final Warnings warnings;

    public EventLines(EventEncoder encoder, Warnings warnings) {
        this.encoder = encoder;
        this.warnings = warnings;
    }

    /**
     * Encodes an event into its journal line, on the caller's thread or on the journal writer's. Never throws: an
     * event that cannot be encoded still takes its place in the journal, as its envelope with the error, so that
     * what was routed to each trail is what the trail finds.
     */
    @Override
    public AuditRecord encode(AuditEvent event) {
        EventEncoder.Encoded encoded;
        try {
            encoded = encoder.encode(event);
        } catch (RuntimeException | StackOverflowError e) {
            warnings.warn(
                    "encoding-failed",
                    "ActionTrail: event " + event.eventName() + " could not be encoded (" + e
                            + "); it is recorded without its free-form objects",
                    e);
            encoded = encoder.encodeEnvelope(event, e);
        }
        if (encoded.truncated()) {
            warnings.warn(
                    "truncated",
                    "ActionTrail: event " + event.eventName() + " exceeded the size cap and was truncated; the"
                            + " event carries a truncation marker");
        }
        AuditEvent stored = encoded.event();
        return AuditRecord.ofEncoded(stored.eventId(), stored.eventTime(), encoded.json());
    }
}
