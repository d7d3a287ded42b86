package io.actiontrail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.Trail;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory sink keeps what it was given, fails when told to, and is safe to read while written. */
final class InMemoryAuditSinkTest {

    private static AuditBatch batch(String... names) {
        List<AuditEvent> events = new ArrayList<>();
        for (String name : names) {
            events.add(AuditEvent.builder(name).build());
        }
        return AuditBatch.ofEvents(events);
    }

    private static List<String> names(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::eventName).toList();
    }

    @Test
    void keepsBatchesAndEventsInDeliveryOrder() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        AuditBatch first = batch("A", "B");
        AuditBatch second = batch("C");

        sink.write(first);
        sink.write(second);

        assertThat(sink.batches()).containsExactly(first, second);
        assertThat(names(sink.events())).containsExactly("A", "B", "C");
        assertThat(sink.eventIds()).containsExactly(first.firstEventId(), first.lastEventId(), second.firstEventId());
        assertThat(sink.size()).isEqualTo(3);
        assertThat(sink.writeAttempts()).isEqualTo(2);
        assertThat(sink.failedWrites()).isZero();
    }

    @Test
    void returnsImmutableSnapshots() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.write(batch("A"));
        List<AuditEvent> events = sink.events();
        List<AuditBatch> batches = sink.batches();
        List<String> ids = sink.eventIds();

        sink.write(batch("B"));

        assertThat(names(events)).containsExactly("A");
        assertThat(batches).hasSize(1);
        assertThat(ids).hasSize(1);
        assertThatThrownBy(() -> events.add(AuditEvent.builder("X").build()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(batches::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ids.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void failNextFailsExactlyThatManyWritesAndKeepsNothingFromThem() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failNext(2, true);
        AuditBatch batch = batch("A", "B");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> sink.write(batch))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                            .isTrue())
                    .hasMessageContaining("injected retryable failure of in-memory sink 'memory'");
        }
        assertThat(sink.size()).isZero();

        sink.write(batch);

        assertThat(names(sink.events())).containsExactly("A", "B");
        assertThat(sink.writeAttempts()).isEqualTo(3);
        assertThat(sink.failedWrites()).isEqualTo(2);
    }

    @Test
    void failNextCanFailPermanently() {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failNext(1, false);

        assertThatThrownBy(() -> sink.write(batch("A")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                        .isFalse())
                .hasMessageContaining("injected permanent failure");
    }

    @Test
    void failNextReplacesTheCountAndZeroCancelsIt() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failNext(5, true);
        sink.failNext(0, true);

        sink.write(batch("A"));

        assertThat(sink.size()).isEqualTo(1);
        assertThatThrownBy(() -> sink.failNext(-1, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void failUntilRecoveredFailsEveryWriteUntilRecover() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failUntilRecovered(false);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> sink.write(batch("A")))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                            .isFalse())
                    .hasMessageContaining("until recover()");
        }
        sink.recover();
        sink.write(batch("B"));

        assertThat(names(sink.events())).containsExactly("B");
        assertThat(sink.failedWrites()).isEqualTo(3);
        assertThat(sink.writeAttempts()).isEqualTo(4);
    }

    @Test
    void recoverAlsoCancelsTheFailuresLeftOfFailNext() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failNext(3, true);

        sink.recover();
        sink.write(batch("A"));

        assertThat(sink.size()).isEqualTo(1);
    }

    @Test
    void clearForgetsDeliveriesButKeepsCounters() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.write(batch("A", "B"));

        sink.clear();

        assertThat(sink.events()).isEmpty();
        assertThat(sink.batches()).isEmpty();
        assertThat(sink.size()).isZero();
        assertThat(sink.writeAttempts()).isEqualTo(1);
    }

    @Test
    void writingAfterCloseThrowsAndKeepsWhatWasDelivered() throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.write(batch("A"));

        sink.close();

        assertThat(sink.isClosed()).isTrue();
        assertThatThrownBy(() -> sink.write(batch("B")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(names(sink.events())).containsExactly("A");
    }

    @Test
    void builderSetsNameAndBatchingAndRejectsBlankNames() {
        Batching batching = new Batching(10, 1024, Duration.ofMillis(5));

        InMemoryAuditSink sink = InMemoryAuditSink.builder()
                .name("audit-copy")
                .batching(batching)
                .build();

        assertThat(sink.name()).isEqualTo("audit-copy");
        assertThat(sink.batching()).isEqualTo(batching);
        assertThat(InMemoryAuditSink.create().name()).isEqualTo("memory");
        assertThat(InMemoryAuditSink.create().batching()).isEqualTo(Batching.DEFAULT);
        assertThatThrownBy(() -> InMemoryAuditSink.builder().name(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must not be blank");
    }

    @Test
    void keepsEveryBatchWrittenConcurrently() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        int threads = 4;
        int writesPerThread = 200;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < writesPerThread; i++) {
                        sink.write(batch("W"));
                        assertThat(sink.events()).isNotEmpty();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(20, TimeUnit.SECONDS);
            }
        } finally {
            executor.shutdownNow();
        }

        assertThat(sink.size()).isEqualTo(threads * writesPerThread);
        assertThat(sink.eventIds()).hasSize(threads * writesPerThread).doesNotHaveDuplicates();
        assertThat(sink.writeAttempts()).isEqualTo((long) threads * writesPerThread);
    }

    @Test
    void inATrailWithTamperEvidenceEveryBatchHasItsCheckpointAndTheCleanStopComesAlone(@TempDir Path dir)
            throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("test", pair.getPrivate(), pair.getPublic());
        InMemoryAuditSink sink = InMemoryAuditSink.builder()
                .batching(Batching.DEFAULT.withMaxEvents(3))
                .build();
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .dataDir(dir)
                .integrity(Integrity.builder()
                        .signer(signer)
                        .origin("orders.example")
                        .build())
                .trail(Trail.builder("main").sink(sink).build())
                .build()) {
            for (int i = 0; i < 7; i++) {
                trail.record(AuditEvent.builder("CreateOrder").build());
            }
        }
        long covered = 0;
        for (AuditBatch batch : sink.batches()) {
            Checkpoint body = Checkpoint.parse(batch.checkpoint().orElseThrow().text());
            assertThat(batch.leafIndex(0)).isEqualTo(covered);
            covered += batch.size();
            assertThat(body.size()).isEqualTo(covered);
        }
        assertThat(covered).isEqualTo(7);
        assertThat(sink.checkpoints()).hasSize(1);
        Checkpoint last = Checkpoint.parse(sink.checkpoints().get(0).text());
        assertThat(last.origin()).isEqualTo("orders.example/main/memory");
        assertThat(last.size()).isEqualTo(7);
        assertThat(last.extensions()).contains("actiontrail-closed");
    }
}
