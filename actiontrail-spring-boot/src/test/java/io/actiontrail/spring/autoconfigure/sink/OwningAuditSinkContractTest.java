package io.actiontrail.spring.autoconfigure.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.test.AuditSinkContract;
import io.actiontrail.test.InMemoryAuditSink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sink wrapped with what it was built on (as the opensearch type wraps its connection) still passes the contract
 * every sink must pass, and releases that resource after the sink closed, even when closing the sink fails.
 */
final class OwningAuditSinkContractTest extends AuditSinkContract {

    private final InMemoryAuditSink inMemory = InMemoryAuditSink.builder()
            .name("wrapped")
            .batching(Batching.DEFAULT.withMaxEvents(LARGE_BATCH_EVENTS))
            .build();
    private final List<String> closed = new ArrayList<>();

    @Override
    protected AuditSink createSink() {
        return new OwningAuditSink(inMemory, () -> closed.add("resource"));
    }

    @Override
    protected List<String> deliveredEventIds() {
        return inMemory.eventIds();
    }

    @Override
    protected List<AuditEvent> deliveredEvents() {
        return inMemory.events();
    }

    @Override
    protected AuditSink createUnreachableSink() {
        InMemoryAuditSink unreachable = InMemoryAuditSink.create();
        unreachable.failUntilRecovered(true);
        return new OwningAuditSink(unreachable, () -> {});
    }

    @Override
    protected AuditSink createRejectingSink() {
        InMemoryAuditSink rejecting = InMemoryAuditSink.create();
        rejecting.failUntilRecovered(false);
        return new OwningAuditSink(rejecting, () -> {});
    }

    @Test
    void releasesWhatItOwnsAfterTheSinkClosed() {
        AuditSink sink = new OwningAuditSink(inMemory, () -> {
            assertThat(inMemory.isClosed()).as("the sink closed first").isTrue();
            closed.add("resource");
        });
        assertThat(sink.name()).isEqualTo("wrapped");
        assertThat(sink.batching()).isEqualTo(inMemory.batching());
        assertThat(sink.toString()).isEqualTo(inMemory.toString());
        sink.close();
        assertThat(closed).containsExactly("resource");
    }

    @Test
    void passesCheckpointsWithoutEventsOnToTheSink() throws Exception {
        java.security.KeyPair pair =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        io.actiontrail.integrity.SignedNote note = io.actiontrail.integrity.SignedNote.sign(
                new io.actiontrail.integrity.Checkpoint("o", 0, io.actiontrail.integrity.Merkle.emptyRoot(), List.of())
                        .body(),
                io.actiontrail.integrity.CheckpointSigner.ed25519("k", pair.getPrivate(), pair.getPublic()));
        new OwningAuditSink(inMemory, () -> {}).writeCheckpoint(note);
        assertThat(inMemory.checkpoints()).containsExactly(note);
    }

    @Test
    void releasesWhatItOwnsEvenWhenClosingTheSinkFails() {
        AuditSink failing = new AuditSink() {
            @Override
            public void write(io.actiontrail.sink.AuditBatch batch) {}

            @Override
            public void close() {
                throw new IllegalStateException("close failed");
            }
        };
        AuditSink sink = new OwningAuditSink(failing, () -> closed.add("resource"));
        assertThatThrownBy(sink::close).hasMessage("close failed");
        assertThat(closed).containsExactly("resource");
    }
}
