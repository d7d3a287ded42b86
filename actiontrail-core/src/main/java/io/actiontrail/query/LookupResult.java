package io.actiontrail.query;

import io.actiontrail.AuditEvent;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a lookup: the matching events, newest first, and the token of the next page.
 *
 * <p>Immutable and thread-safe.
 *
 * @param events the events of this page, newest first
 * @param nextToken the token that fetches the next page, or {@code null} when this page is the last
 */
public record LookupResult(
        List<AuditEvent> events, @Nullable String nextToken) {

    /** Validates and copies the values. */
    public LookupResult {
        events = List.copyOf(events);
    }

    /** Returns whether there is a next page. */
    public boolean hasNextPage() {
        return nextToken != null;
    }
}
