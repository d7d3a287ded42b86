package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.Batching;
import io.actiontrail.trail.EventSelector;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineTest {

    @TempDir
    Path dataDir;

    /** The journal under test; {@code DiskPipelineTest} runs every test against the disk journal. */
    Durability durability() {
        return Durability.MEMORY;
    }

    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 2.0, 0.2);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<ActionTrail> opened = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeAll() {
        opened.forEach(a -> a.close(Duration.ofSeconds(5)));
    }

    private ActionTrail start(Trail... trails) {
        return start(ActionTrail.builder(), trails);
    }

    private ActionTrail start(ActionTrail.Builder builder, Trail... trails) {
        builder.serviceName("svc")
                .shutdownHook(false)
                .deliveryListener(listener)
                .durability(durability())
                .dataDir(dataDir);
        for (Trail trail : trails) {
            builder.trail(trail);
        }
        ActionTrail actionTrail = builder.build();
        opened.add(actionTrail);
        return actionTrail;
    }

    private static Trail trail(String name, ScriptedSink... sinks) {
        Trail.Builder b = Trail.builder(name).retryPolicy(FAST_RETRY);
        for (ScriptedSink sink : sinks) {
            b.sink(sink);
        }
        return b.build();
    }

    private static AuditEvent event(String name) {
        return AuditEvent.builder(name).build();
    }

    private static void assertInvariant(TrailStatus.SinkStatus s) {
        assertThat(s.recorded()).isEqualTo(s.delivered() + s.pending() + s.droppedTotal());
    }

    @Test
    void sendsFullBatchesAtOnceAndHoldsAPartialOneUntilLingerOrFlush() {
        ScriptedSink sink = new ScriptedSink("s", new Batching(10, 1 << 20, Duration.ofHours(1)));
        ActionTrail actionTrail = start(trail("t", sink));
        for (int i = 0; i < 25; i++) {
            actionTrail.record(event("E" + i));
        }
        await().atMost(TIMEOUT).until(() -> sink.eventIds().size() == 20);
        assertThat(sink.batches()).allSatisfy(b -> assertThat(b.size()).isEqualTo(10));
        TrailStatus.SinkStatus pending = actionTrail.status("t").sink("s");
        assertThat(pending.pending()).isEqualTo(5);
        assertThat(pending.oldestPendingEventTime()).isNotNull();
        assertInvariant(pending);

        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventNames()).hasSize(25).startsWith("E0", "E1").endsWith("E24");
        TrailStatus.SinkStatus done = actionTrail.status("t").sink("s");
        assertThat(done.delivered()).isEqualTo(25);
        assertThat(done.pending()).isZero();
        assertThat(done.oldestPendingEventTime()).isNull();
        assertThat(done.latestDeliveryTime()).isNotNull();
        assertInvariant(done);
    }

    @Test
    void lingerSendsAPartialBatchWithoutFlush() {
        ScriptedSink sink = new ScriptedSink("s", new Batching(1000, 1 << 20, Duration.ofMillis(20)));
        ActionTrail actionTrail = start(trail("t", sink));
        actionTrail.record(event("A"));
        actionTrail.record(event("B"));
        await().atMost(TIMEOUT).until(() -> sink.eventIds().size() == 2);
        assertThat(sink.eventNames()).containsExactly("A", "B");
    }

    @Test
    void capsBatchesByBytesButSendsAnOversizedEventAlone() {
        ScriptedSink sink = new ScriptedSink("s", new Batching(1000, 2048, Duration.ofHours(1)));
        ActionTrail actionTrail = start(trail("t", sink));
        actionTrail.record(AuditEvent.builder("Big")
                .requestParameter("blob", "x".repeat(5000))
                .build());
        for (int i = 0; i < 20; i++) {
            actionTrail.record(event("Small" + i));
        }
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.batches().get(0).size()).isEqualTo(1);
        assertThat(sink.batches()).allSatisfy(b -> {
            if (b.size() > 1) {
                assertThat(b.sizeInBytes()).isLessThanOrEqualTo(2048);
            }
        });
        assertThat(sink.eventIds()).hasSize(21).doesNotHaveDuplicates();
    }

    @Test
    void retriesARetryableFailureUntilDeliveredAndReportsTheErrorMeanwhile() {
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ActionTrail actionTrail = start(trail("t", sink));
        for (int i = 0; i < 5; i++) {
            actionTrail.record(event("E" + i));
        }
        await().atMost(TIMEOUT).until(() -> sink.attempts() >= 3);
        TrailStatus.SinkStatus failing = actionTrail.status("t").sink("s");
        assertThat(failing.isFailing()).isTrue();
        assertThat(failing.latestDeliveryError()).isEqualTo("destination down");
        assertThat(failing.latestDeliveryErrorCode()).isEqualTo("Down");
        assertThat(failing.latestDeliveryErrorTime()).isNotNull();
        assertThat(failing.pending()).isEqualTo(5);
        assertThat(failing.retries()).isPositive();
        assertInvariant(failing);
        assertThat(actionTrail.flush(Duration.ofMillis(50))).isFalse();

        sink.recover();
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventNames()).containsExactly("E0", "E1", "E2", "E3", "E4");
        TrailStatus.SinkStatus recovered = actionTrail.status("t").sink("s");
        assertThat(recovered.isFailing()).isFalse();
        assertThat(recovered.delivered()).isEqualTo(5);
        assertThat(recovered.droppedTotal()).isZero();
        assertInvariant(recovered);
        assertThat(listener.failed).isNotEmpty().allSatisfy(f -> assertThat(f.retrying())
                .isTrue());
        assertThat(listener.delivered)
                .extracting(DeliveryListener.Delivered::events)
                .containsExactly(5);
    }

    @Test
    void waitsAtLeastTheRetryAfterTheSinkReportsInsteadOfItsShortBackoff() {
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.FAIL_RETRY_AFTER_AN_HOUR, 1);
        ActionTrail actionTrail = start(trail("t", sink));
        actionTrail.record(event("E0"));
        await().atMost(TIMEOUT).until(() -> sink.attempts() >= 1);

        // with the 5-20 ms backoff alone, a quarter of a second would see a dozen attempts
        assertThat(actionTrail.flush(Duration.ofMillis(250))).isFalse();
        assertThat(sink.attempts()).isEqualTo(1);
        TrailStatus.SinkStatus waiting = actionTrail.status("t").sink("s");
        assertThat(waiting.isFailing()).isTrue();
        assertThat(waiting.latestDeliveryErrorCode()).isEqualTo("429");
        assertThat(waiting.pending()).isEqualTo(1);
        assertThat(listener.failed).singleElement().satisfies(f -> assertThat(f.retrying())
                .isTrue());
    }

    @Test
    void retriesWhenTheSinkThrowsAnUnexpectedException() {
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.THROW_RUNTIME, 2);
        ActionTrail actionTrail = start(trail("t", sink));
        actionTrail.record(event("A"));
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventNames()).containsExactly("A");
        assertThat(actionTrail.status("t").sink("s").latestDeliveryError())
                .isEqualTo("IllegalStateException: sink bug");
    }

    @Test
    void aBatchDeliveredInPartIsRetriedWithoutWhatWasSettledAndRefusedEventsAreDroppedOneByOne() {
        ScriptedSink sink = new ScriptedSink("s", new Batching(5, 1 << 20, Duration.ofHours(1)));
        sink.fail(ScriptedSink.Mode.PARTIAL, 1);
        ActionTrail actionTrail = start(trail("t", sink));
        for (String name : List.of("E0", "Poison1", "E2", "E3", "E4")) {
            actionTrail.record(event(name));
        }
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();

        assertThat(sink.attempts()).isEqualTo(2);
        assertThat(sink.batches()).extracting(AuditBatch::size).containsExactly(1, 3);
        assertThat(sink.eventNames()).containsExactly("E0", "E2", "E3", "E4");
        TrailStatus.SinkStatus status = actionTrail.status("t").sink("s");
        assertThat(status.delivered()).isEqualTo(4);
        assertThat(status.dropped()).containsExactly(Map.entry(DeliveryListener.Dropped.REJECTED, 1L));
        assertThat(status.pending()).isZero();
        assertInvariant(status);
        assertThat(listener.dropped).singleElement().satisfies(d -> {
            assertThat(d.events()).isEqualTo(1);
            assertThat(d.reason()).isEqualTo("rejected");
            assertThat(d.detail()).contains("refused 1 of 5 events", "took one, the rest later");
        });
        assertThat(listener.failed).singleElement().satisfies(f -> {
            assertThat(f.retrying()).isTrue();
            assertThat(f.events()).as("what is left to retry").isEqualTo(3);
        });
    }

    @Test
    void dropsAPermanentlyRejectedBatchCountedAndReported() {
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.FAIL_PERMANENT, 1);
        ActionTrail actionTrail = start(trail("t", sink));
        actionTrail.record(event("Rejected"));
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        actionTrail.record(event("Accepted"));
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();

        assertThat(sink.eventNames()).containsExactly("Accepted");
        TrailStatus.SinkStatus status = actionTrail.status("t").sink("s");
        assertThat(status.dropped()).containsEntry(DeliveryListener.Dropped.REJECTED, 1L);
        assertThat(status.delivered()).isEqualTo(1);
        assertInvariant(status);
        assertThat(listener.dropped).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("rejected");
            assertThat(d.trail()).isEqualTo("t");
            assertThat(d.sink()).isEqualTo("s");
            assertThat(d.detail()).contains("content rejected");
        });
        assertThat(listener.failed).singleElement().satisfies(f -> assertThat(f.retrying())
                .isFalse());
    }

    @Test
    void routesEachEventOnlyToTrailsWhoseSelectorMatches() {
        ScriptedSink writes = new ScriptedSink("writes");
        ScriptedSink creates = new ScriptedSink("creates");
        ScriptedSink reads = new ScriptedSink("reads");
        ActionTrail actionTrail = start(
                Trail.builder("w").selector(EventSelector.writes()).sink(writes).build(),
                Trail.builder("c")
                        .selector(EventSelector.builder()
                                .includeEventNames("Create*")
                                .excludeEventNames("CreateDraft*")
                                .resourceTypes("Order")
                                .build())
                        .sink(creates)
                        .build(),
                Trail.builder("r").selector(EventSelector.reads()).sink(reads).build());
        actionTrail.record(
                AuditEvent.builder("CreateOrder").resourceType("Order").build());
        actionTrail.record(
                AuditEvent.builder("CreateDraftOrder").resourceType("Order").build());
        actionTrail.record(AuditEvent.builder("CreateUser").resourceType("User").build());
        actionTrail.record(AuditEvent.builder("GetOrder").eventRW(EventRW.READ).build());
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();

        assertThat(writes.eventNames()).containsExactly("CreateOrder", "CreateDraftOrder", "CreateUser");
        assertThat(creates.eventNames()).containsExactly("CreateOrder");
        assertThat(reads.eventNames()).containsExactly("GetOrder");
        assertThat(actionTrail.status("c").sink("creates").recorded()).isEqualTo(1);
        assertThat(actionTrail.captureStats().recorded()).isEqualTo(4);
    }

    @Test
    void aStoppedTrailTakesNoNewEventsButKeepsItsStatus() {
        ScriptedSink sink = new ScriptedSink("s");
        // stopping is a concealment insight, whose event the trail takes once it logs again: InsightsTest
        ActionTrail actionTrail =
                start(ActionTrail.builder().insights(io.actiontrail.insights.Insights.disabled()), trail("t", sink));
        assertThat(actionTrail.status("t").isLogging()).isTrue();
        assertThat(actionTrail.status("t").startLoggingTime()).isNotNull();
        actionTrail.record(event("Before"));
        actionTrail.stopLogging("t");
        actionTrail.record(event("WhileStopped"));
        TrailStatus stopped = actionTrail.status("t");
        assertThat(stopped.isLogging()).isFalse();
        assertThat(stopped.stopLoggingTime()).isNotNull();
        actionTrail.startLogging("t");
        actionTrail.record(event("After"));
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventNames()).containsExactly("Before", "After");
        assertThat(actionTrail.trails()).extracting(Trail::name).containsExactly("t");
    }

    @Test
    void aFailingSinkDoesNotHoldBackAnotherSinkOfTheSameTrail() {
        ScriptedSink down = new ScriptedSink("down");
        down.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ScriptedSink up = new ScriptedSink("up");
        ActionTrail actionTrail = start(trail("t", down, up));
        for (int i = 0; i < 100; i++) {
            actionTrail.record(event("E" + i));
        }
        await().atMost(TIMEOUT).until(() -> up.eventIds().size() == 100);
        TrailStatus status = actionTrail.status("t");
        assertThat(status.sink("up").delivered()).isEqualTo(100);
        assertThat(status.sink("down").delivered()).isZero();
        assertThat(status.sink("down").pending()).isEqualTo(100);
        assertThat(status.sink("down").isFailing()).isTrue();
        down.recover();
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(down.eventIds()).isEqualTo(up.eventIds());
    }

    @Test
    void callsASinkSharedByTwoTrailsFromOneThreadAtATime() {
        ScriptedSink shared = new ScriptedSink("shared", new Batching(3, 1 << 20, Duration.ZERO));
        ActionTrail actionTrail = start(
                Trail.builder("a").sink(shared).build(),
                Trail.builder("b").sink(shared).build());
        for (int i = 0; i < 2000; i++) {
            actionTrail.record(event("E" + i));
        }
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(shared.eventIds()).hasSize(4000);
        assertThat(shared.overlapped()).isFalse();
        actionTrail.close();
        assertThat(shared.closes()).isEqualTo(1);
    }

    @Test
    void countsEventsEvictedFromAFullMemoryJournalAsDropped() {
        assumeTrue(durability() == Durability.MEMORY, "the disk journal does not evict");
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ActionTrail actionTrail = start(ActionTrail.builder().memoryCapacity(1024 * 1024), trail("t", sink));
        String payload = "p".repeat(1000);
        for (int i = 0; i < 3000; i++) {
            actionTrail.record(
                    AuditEvent.builder("E" + i).requestParameter("p", payload).build());
        }
        TrailStatus.SinkStatus status = actionTrail.status("t").sink("s");
        assertThat(status.recorded()).isEqualTo(3000);
        assertThat(status.dropped().get(DeliveryListener.Dropped.CAPACITY)).isGreaterThan(1000L);
        assertInvariant(status);
        await().atMost(TIMEOUT).until(() -> listener.dropped.stream()
                .anyMatch(d -> d.reason().equals(DeliveryListener.Dropped.CAPACITY)));

        sink.recover();
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        TrailStatus.SinkStatus after = actionTrail.status("t").sink("s");
        assertThat(after.pending()).isZero();
        assertThat(after.delivered()).isEqualTo(sink.eventIds().size());
        assertThat(after.delivered() + after.droppedTotal()).isEqualTo(3000);
        assertThat(sink.eventNames()).last().isEqualTo("E2999");
    }

    @Test
    void keepsTheAccountingInvariantUnderConcurrentRecordingAndFlakySinks() throws Exception {
        ScriptedSink flaky = new ScriptedSink("flaky", new Batching(50, 1 << 20, Duration.ofMillis(1)));
        ScriptedSink steady = new ScriptedSink("steady");
        ActionTrail actionTrail = start(trail("t", flaky, steady));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                pool.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < 2500; i++) {
                        actionTrail.record(event("T" + thread + "-" + i));
                        if (i % 500 == 0) {
                            flaky.fail(ScriptedSink.Mode.FAIL_RETRYABLE, 2);
                        }
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        for (String name : List.of("flaky", "steady")) {
            TrailStatus.SinkStatus s = actionTrail.status("t").sink(name);
            assertThat(s.recorded()).isEqualTo(10_000);
            assertThat(s.delivered()).isEqualTo(10_000);
            assertThat(s.pending()).isZero();
            assertInvariant(s);
        }
        assertThat(new HashSet<>(flaky.eventIds())).hasSize(10_000);
        assertThat(flaky.eventIds()).isEqualTo(steady.eventIds());
        assertThat(actionTrail.status("t").sink("flaky").retries()).isPositive();
    }

    @Test
    void closeDeliversWhatIsPendingThenClosesEachSinkOnce() {
        ScriptedSink sink = new ScriptedSink("s", new Batching(1000, 1 << 20, Duration.ofHours(1)));
        ActionTrail actionTrail = start(trail("t", sink));
        for (int i = 0; i < 10; i++) {
            actionTrail.record(event("E" + i));
        }
        actionTrail.close();
        assertThat(sink.eventIds()).hasSize(10);
        assertThat(sink.closes()).isEqualTo(1);
        actionTrail.close();
        assertThat(sink.closes()).isEqualTo(1);
    }

    @Test
    void closeGivesUpOnADownSinkAfterTheTimeoutAndCountsTheLoss() {
        assumeTrue(durability() == Durability.MEMORY, "the disk journal keeps the backlog: DiskJournalTest");
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ActionTrail actionTrail = start(trail("t", sink));
        for (int i = 0; i < 7; i++) {
            actionTrail.record(event("E" + i));
        }
        actionTrail.close(Duration.ofMillis(200));
        TrailStatus.SinkStatus status = actionTrail.status("t").sink("s");
        assertThat(status.dropped()).containsEntry(DeliveryListener.Dropped.SHUTDOWN, 7L);
        assertThat(status.pending()).isZero();
        assertInvariant(status);
        assertThat(listener.dropped).anySatisfy(d -> assertThat(d.reason()).isEqualTo("shutdown"));
    }

    @Test
    void recordingAfterCloseIsCountedNotThrown() {
        ScriptedSink sink = new ScriptedSink("s");
        ActionTrail actionTrail = start(trail("t", sink));
        actionTrail.close();
        actionTrail.record(event("Late"));
        actionTrail.record(null);
        CaptureStats stats = actionTrail.captureStats();
        assertThat(stats.dropped())
                .containsEntry(DeliveryListener.Dropped.CLOSED, 1L)
                .containsEntry(DeliveryListener.Dropped.INVALID, 1L);
        assertThat(stats.droppedTotal()).isEqualTo(2);
        assertThat(listener.dropped).extracting(DeliveryListener.Dropped::trail).containsOnlyNulls();
    }

    @Test
    void aThrowingListenerDoesNotStopDelivery() {
        ScriptedSink sink = new ScriptedSink("s");
        ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .durability(durability())
                .dataDir(dataDir)
                .shutdownHook(false)
                .deliveryListener(new DeliveryListener() {
                    @Override
                    public void onDelivered(Delivered delivered) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .trail(trail("t", sink))
                .build();
        opened.add(actionTrail);
        actionTrail.record(event("A"));
        actionTrail.record(event("B"));
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventNames()).containsExactly("A", "B");
    }

    @Test
    void fillsDefaultsFromTheConfiguration() {
        ScriptedSink sink = new ScriptedSink("s");
        ActionTrail actionTrail =
                start(ActionTrail.builder().region("cn-hangzhou").eventSource("host-1"), trail("t", sink));
        actionTrail.record(AuditEvent.builder("A").build());
        actionTrail.record(AuditEvent.builder("B").errorCode("Boom").build());
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        List<AuditEvent> events =
                sink.batches().stream().flatMap(b -> b.events().stream()).toList();
        assertThat(events.get(0)).satisfies(e -> {
            assertThat(e.serviceName()).isEqualTo("svc");
            assertThat(e.region()).isEqualTo("cn-hangzhou");
            assertThat(e.eventSource()).isEqualTo("host-1");
            assertThat(e.eventType()).isEqualTo(EventType.API_CALL);
            assertThat(e.eventRW()).isEqualTo(EventRW.WRITE);
            assertThat(e.eventCategory()).isEqualTo(EventCategory.MANAGEMENT);
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.userIdentity()).isEqualTo(UserIdentity.anonymous());
        });
        assertThat(events.get(1).outcome()).isEqualTo(Outcome.FAILURE);
    }

    /** Collects every callback. */
    static final class RecordingListener implements DeliveryListener {
        final List<Delivered> delivered = new CopyOnWriteArrayList<>();
        final List<Failed> failed = new CopyOnWriteArrayList<>();
        final List<Dropped> dropped = new CopyOnWriteArrayList<>();

        @Override
        public void onDelivered(Delivered d) {
            delivered.add(d);
        }

        @Override
        public void onFailed(Failed f) {
            failed.add(f);
        }

        @Override
        public void onDropped(Dropped d) {
            dropped.add(d);
        }
    }
}
