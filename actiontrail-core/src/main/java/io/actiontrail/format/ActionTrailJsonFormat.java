package io.actiontrail.format;

import io.actiontrail.AuditEvent;
import java.nio.charset.StandardCharsets;

/** This project's own JSON object, the journal's line: the default. Immutable and thread-safe. */
final class ActionTrailJsonFormat implements EventFormat {

    static final ActionTrailJsonFormat INSTANCE = new ActionTrailJsonFormat();

    private ActionTrailJsonFormat() {}

    @Override
    public String name() {
        return EventFormats.ACTIONTRAIL;
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] encode(AuditEvent event) {
        return event.toJson().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "EventFormat{" + name() + '}';
    }
}
