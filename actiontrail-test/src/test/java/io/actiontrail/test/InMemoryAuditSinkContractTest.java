package io.actiontrail.test;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import java.util.List;

/** The in-memory sink passes the contract every sink must pass. */
final class InMemoryAuditSinkContractTest extends AuditSinkContract {

    private final InMemoryAuditSink sink = InMemoryAuditSink.builder()
            .batching(Batching.DEFAULT.withMaxEvents(LARGE_BATCH_EVENTS))
            .build();

    @Override
    protected AuditSink createSink() {
        return sink;
    }

    @Override
    protected List<String> deliveredEventIds() {
        return sink.eventIds();
    }

    @Override
    protected List<AuditEvent> deliveredEvents() {
        return sink.events();
    }

    @Override
    protected AuditSink createUnreachableSink() {
        InMemoryAuditSink unreachable = InMemoryAuditSink.create();
        unreachable.failUntilRecovered(true);
        return unreachable;
    }

    @Override
    protected AuditSink createRejectingSink() {
        InMemoryAuditSink rejecting = InMemoryAuditSink.create();
        rejecting.failUntilRecovered(false);
        return rejecting;
    }
}
