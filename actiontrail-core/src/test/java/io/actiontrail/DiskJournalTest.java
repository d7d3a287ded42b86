package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.actiontrail.insights.Insights;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.sink.Batching;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.StartPosition;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskJournalTest {

    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 2.0, 0.2);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String PAYLOAD = "x".repeat(400);

    @TempDir
    Path dataDir;

    private final List<ActionTrail> opened = new ArrayList<>();
    private final PipelineTest.RecordingListener listener = new PipelineTest.RecordingListener();

    @AfterEach
    void closeAll() {
        opened.forEach(a -> a.close(Duration.ofSeconds(2)));
    }

    private ActionTrail open(ActionTrail.Builder builder, Trail... trails) {
        builder.serviceName("svc").shutdownHook(false).deliveryListener(listener);
        for (Trail trail : trails) {
            builder.trail(trail);
        }
        ActionTrail actionTrail = builder.build();
        opened.add(actionTrail);
        return actionTrail;
    }

    private ActionTrail open(Trail... trails) {
        return open(ActionTrail.builder().dataDir(dataDir), trails);
    }

    private static Trail trail(String name, ScriptedSink sink) {
        return Trail.builder(name).sink(sink).retryPolicy(FAST_RETRY).build();
    }

    private static void assertInvariant(TrailStatus.SinkStatus s) {
        assertThat(s.recorded()).isEqualTo(s.delivered() + s.pending() + s.droppedTotal());
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void keepsTheBacklogOfADownSinkAcrossARestartAndDeliversItLater() {
        ScriptedSink down = new ScriptedSink("s");
        down.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ActionTrail first = open(trail("t", down));
        for (int i = 0; i < 50; i++) {
            first.record(AuditEvent.builder("E" + i).build());
        }
        await().atMost(TIMEOUT).until(() -> first.status("t").sink("s").isFailing());
        first.close(Duration.ofMillis(100));
        TrailStatus.SinkStatus closed = first.status("t").sink("s");
        assertThat(closed.pending()).isEqualTo(50);
        assertThat(closed.dropped()).isEmpty();
        assertInvariant(closed);

        ScriptedSink up = new ScriptedSink("s");
        ActionTrail second = open(trail("t", up));
        TrailStatus.SinkStatus backlog = second.status("t").sink("s");
        assertThat(backlog.recorded()).isEqualTo(50);
        assertThat(second.flush(TIMEOUT)).isTrue();
        assertThat(up.eventNames()).hasSize(50).startsWith("E0", "E1").endsWith("E49");
        TrailStatus.SinkStatus done = second.status("t").sink("s");
        assertThat(done.delivered()).isEqualTo(50);
        assertThat(done.pending()).isZero();
        assertInvariant(done);
    }

    @Test
    void resumesFromThePersistedCursorWithoutDeliveringAgain() {
        ScriptedSink sink = new ScriptedSink("s");
        ActionTrail first = open(trail("t", sink));
        for (int i = 0; i < 30; i++) {
            first.record(AuditEvent.builder("Old" + i).build());
        }
        assertThat(first.flush(TIMEOUT)).isTrue();
        first.close();

        ScriptedSink again = new ScriptedSink("s");
        ActionTrail second = open(trail("t", again));
        for (int i = 0; i < 5; i++) {
            second.record(AuditEvent.builder("New" + i).build());
        }
        assertThat(second.flush(TIMEOUT)).isTrue();
        assertThat(again.eventNames()).containsExactly("New0", "New1", "New2", "New3", "New4");
        assertThat(second.status("t").sink("s").recorded()).isEqualTo(5);
    }

    @Test
    void aTrailAddedLaterStartsAtTheEarliestTheLatestOrAPointInTime() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
        ActionTrail first = open(
                ActionTrail.builder().dataDir(dataDir).clock(clock).insights(Insights.disabled()),
                trail("a", new ScriptedSink("s")));
        for (int i = 0; i < 10; i++) {
            first.record(AuditEvent.builder("E" + i).eventTime(clock.instant()).build());
            clock.advance(Duration.ofMinutes(1));
        }
        first.close();

        ScriptedSink earliest = new ScriptedSink("s");
        ScriptedSink latest = new ScriptedSink("s");
        ScriptedSink fromSix = new ScriptedSink("s");
        ActionTrail second = open(
                // trail "a" is gone: with insights on, that is a concealment insight, one more event
                ActionTrail.builder().dataDir(dataDir).clock(clock).insights(Insights.disabled()),
                Trail.builder("earliest")
                        .sink(earliest)
                        .startFrom(StartPosition.EARLIEST)
                        .build(),
                Trail.builder("latest").sink(latest).build(),
                Trail.builder("from-six")
                        .sink(fromSix)
                        .startFrom(Instant.parse("2026-11-24T10:06:00Z"))
                        .build());
        second.record(AuditEvent.builder("After").build());
        assertThat(second.flush(TIMEOUT)).isTrue();
        assertThat(earliest.eventNames()).hasSize(11).startsWith("E0").endsWith("E9", "After");
        assertThat(latest.eventNames()).containsExactly("After");
        assertThat(fromSix.eventNames()).containsExactly("E6", "E7", "E8", "E9", "After");
        assertThat(second.status("earliest").sink("s").recorded()).isEqualTo(11);
    }

    @Test
    void aSecondInstanceOnTheSameDataDirGetsAClearError() {
        open(trail("t", new ScriptedSink("s")));
        assertThatThrownBy(() -> ActionTrail.builder()
                        .serviceName("svc")
                        .dataDir(dataDir)
                        .shutdownHook(false)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dataDir.toAbsolutePath().toString())
                .hasMessageContaining("in use by another process or ActionTrail instance");
    }

    @Test
    void cutsATornLastWriteWhenOpenedAndKeepsEveryCompleteEvent() throws IOException {
        ActionTrail first = open();
        for (int i = 0; i < 20; i++) {
            first.record(AuditEvent.builder("E" + i).build());
        }
        first.close();
        Path last = segments(dataDir).get(segments(dataDir).size() - 1);
        long intact = Files.size(last);
        Files.write(
                last,
                "{\"eventVersion\":\"1.0\",\"eventId\":\"torn".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);

        ActionTrail second = open();
        assertThat(second.journalStatus().recoveredTornBytes()).isPositive();
        assertThat(Files.size(last)).isEqualTo(intact);
        second.record(AuditEvent.builder("AfterRecovery").build());
        List<String> names = new ArrayList<>();
        second.lookup(LookupQuery.builder().maxResults(100).build()).events().forEach(e -> names.add(e.eventName()));
        assertThat(names).hasSize(21).startsWith("AfterRecovery", "E19").endsWith("E0");
        second.close();
        for (String line : Files.readAllLines(last, StandardCharsets.UTF_8)) {
            assertThat(AuditEvent.fromJson(line).eventName()).isNotBlank();
        }
    }

    @Test
    void rollsSegmentsBySizeAndByTheHourAndNamesThemAfterTheirFirstPosition() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
        ActionTrail actionTrail =
                open(ActionTrail.builder().dataDir(dataDir).clock(clock).segmentBytes(64 * 1024));
        for (int i = 0; i < 600; i++) {
            actionTrail.record(
                    AuditEvent.builder("E" + i).requestParameter("p", PAYLOAD).build());
        }
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == 600);
        List<Path> bySize = segments(dataDir);
        assertThat(bySize).hasSizeGreaterThan(3);
        for (Path segment : bySize.subList(0, bySize.size() - 1)) {
            assertThat(Files.size(segment)).isLessThanOrEqualTo(64 * 1024);
        }
        assertThat(bySize.get(0).getFileName().toString()).isEqualTo("00000000000000000000-20261124T100000Z.jsonl");

        clock.advance(Duration.ofHours(1));
        actionTrail.record(AuditEvent.builder("NextHour").build());
        await().atMost(TIMEOUT).until(() -> segments(dataDir).size() == bySize.size() + 1);
        Path newest = segments(dataDir).get(bySize.size());
        assertThat(newest.getFileName().toString()).isEqualTo(String.format("%020d-20261124T110000Z.jsonl", 600));
        assertThat(Files.readAllLines(newest, StandardCharsets.UTF_8))
                .singleElement()
                .asString()
                .contains("NextHour");
    }

    @Test
    void deletesSegmentsPastTheRetentionAndCountsWhatTheSinkHadNotDelivered() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        // small batches: the one batch in flight is held in memory and still delivered; the rest is in the journal
        ScriptedSink sink = new ScriptedSink("s", new Batching(10, 1 << 20, Duration.ZERO));
        sink.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ActionTrail actionTrail =
                open(ActionTrail.builder().dataDir(dataDir).clock(clock).segmentBytes(64 * 1024), trail("t", sink));
        for (int i = 0; i < 400; i++) {
            actionTrail.record(
                    AuditEvent.builder("Old" + i).requestParameter("p", PAYLOAD).build());
        }
        // written while the clock still says January
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == 400);
        clock.advance(Duration.ofDays(91));
        actionTrail.record(AuditEvent.builder("Recent").build());
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == 401);
        actionTrail.maintainJournal();

        TrailStatus.SinkStatus status = actionTrail.status("t").sink("s");
        assertThat(status.dropped().get(DeliveryListener.Dropped.RETENTION)).isBetween(390L, 400L);
        assertInvariant(status);
        assertThat(listener.dropped).anySatisfy(d -> {
            assertThat(d.reason()).isEqualTo(DeliveryListener.Dropped.RETENTION);
            assertThat(d.detail()).contains("older than PT2160H");
        });
        assertThat(actionTrail.journalStatus().firstPosition()).isEqualTo(400);

        sink.recover();
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventNames()).last().isEqualTo("Recent");
        TrailStatus.SinkStatus after = actionTrail.status("t").sink("s");
        assertThat(after.delivered()).isEqualTo(sink.eventIds().size());
        assertThat(after.recorded())
                .isEqualTo(after.delivered() + after.droppedTotal())
                .isEqualTo(401);
        assertThat(actionTrail.lookup(LookupQuery.builder().build()).events())
                .extracting(AuditEvent::eventName)
                .containsExactly("Recent");
    }

    @Test
    void keepsWithinTheQuotaByDeletingTheOldestSegmentsAndCountsTheLoss() {
        ScriptedSink sink = new ScriptedSink("s");
        sink.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        long quota = 4 * 64 * 1024;
        ActionTrail actionTrail = open(
                ActionTrail.builder().dataDir(dataDir).segmentBytes(64 * 1024).maxDiskBytes(quota), trail("t", sink));
        for (int i = 0; i < 2000; i++) {
            actionTrail.record(
                    AuditEvent.builder("E" + i).requestParameter("p", PAYLOAD).build());
        }
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == 2000);
        actionTrail.maintainJournal();
        JournalStatus journal = actionTrail.journalStatus();
        assertThat(journal.diskBytes()).isLessThanOrEqualTo(quota);
        TrailStatus.SinkStatus status = actionTrail.status("t").sink("s");
        assertThat(status.dropped().get(DeliveryListener.Dropped.QUOTA)).isGreaterThan(1000L);
        assertInvariant(status);

        sink.recover();
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        TrailStatus.SinkStatus after = actionTrail.status("t").sink("s");
        assertThat(after.delivered()).isEqualTo(sink.eventIds().size());
        assertThat(after.delivered() + after.droppedTotal()).isEqualTo(2000);
        assertThat(sink.eventNames()).last().isEqualTo("E1999");
    }

    @Test
    void aFullDiskDegradesRecordingWithoutThrowingAndRecoversWhenSpaceReturns() throws IOException {
        try (FileSystem fs = Jimfs.newFileSystem(
                Configuration.unix().toBuilder().setMaxSize(8L * 1024 * 1024).build())) {
            Path dir = fs.getPath("/data");
            Files.createDirectories(dir);
            Path filler = fs.getPath("/filler");
            Files.write(filler, new byte[7 * 1024 * 1024 + 512 * 1024]);
            ScriptedSink sink = new ScriptedSink("s");
            ActionTrail actionTrail =
                    open(ActionTrail.builder().dataDir(dir).segmentBytes(64 * 1024), trail("t", sink));
            int recorded = 0;
            // about 1.2 MB, more than the 512 KiB left: the writer finds the disk full, however far behind it is
            while (!actionTrail.journalStatus().degraded() && recorded < 2000) {
                actionTrail.record(AuditEvent.builder("E" + recorded)
                        .requestParameter("p", PAYLOAD)
                        .build());
                recorded++;
            }
            await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().degraded());
            JournalStatus degraded = actionTrail.journalStatus();
            assertThat(degraded.degraded()).isTrue();
            assertThat(degraded.degradedError()).isNotBlank();
            assertThat(degraded.degradedSince()).isNotNull();
            for (int i = 0; i < 100; i++) { // recording goes on, held in memory
                actionTrail.record(AuditEvent.builder("E" + recorded)
                        .requestParameter("p", PAYLOAD)
                        .build());
                recorded++;
            }
            assertThat(actionTrail.captureStats().dropped()).isEmpty();
            assertThat(actionTrail.journalStatus().queuedBytes()).isPositive();

            Files.delete(filler);
            await().atMost(TIMEOUT).until(() -> !actionTrail.journalStatus().degraded());
            assertThat(actionTrail.flush(TIMEOUT)).isTrue();
            assertThat(sink.eventNames()).hasSize(recorded).endsWith("E" + (recorded - 1));
            assertThat(actionTrail.status("t").sink("s").delivered()).isEqualTo(recorded);
        }
    }

    @Test
    void whenTheDiskStaysFullTheMemoryReserveIsBoundedAndEveryRefusalIsCounted() throws IOException {
        try (FileSystem fs = Jimfs.newFileSystem(
                Configuration.unix().toBuilder().setMaxSize(4L * 1024 * 1024).build())) {
            Path dir = fs.getPath("/data");
            Files.createDirectories(dir);
            Files.write(fs.getPath("/filler"), new byte[4 * 1024 * 1024 - 64 * 1024]);
            ActionTrail actionTrail = open(
                    ActionTrail.builder().dataDir(dir).segmentBytes(64 * 1024).memoryCapacity(1024 * 1024));
            int attempts = 6000; // about 2.7 MB: more than the disk and the 1 MiB reserve hold
            for (int i = 0; i < attempts; i++) {
                actionTrail.record(AuditEvent.builder("E" + i)
                        .requestParameter("p", PAYLOAD)
                        .build());
            }
            CaptureStats stats = actionTrail.captureStats();
            long refused = stats.dropped().getOrDefault(DeliveryListener.Dropped.DISK_FULL, 0L);
            assertThat(refused).isPositive();
            assertThat(stats.recorded() + refused).isEqualTo(attempts);
            assertThat(actionTrail.journalStatus().droppedDiskFull()).isEqualTo(refused);
            assertThat(actionTrail.journalStatus().queuedBytes()).isLessThanOrEqualTo(1024 * 1024);
            assertThat(listener.dropped)
                    .anySatisfy(d -> assertThat(d.reason()).isEqualTo(DeliveryListener.Dropped.DISK_FULL));
        }
    }

    @Test
    void aStoppedTrailDoesNotDeliverWhatWasRecordedMeanwhileEvenAfterARestart() {
        ScriptedSink down = new ScriptedSink("s");
        down.fail(ScriptedSink.Mode.FAIL_RETRYABLE, -1);
        ActionTrail first = open(trail("t", down));
        first.record(AuditEvent.builder("Before").build());
        first.stopLogging("t");
        first.record(AuditEvent.builder("WhileStopped").build());
        first.startLogging("t");
        first.record(AuditEvent.builder("AfterRestart").build());
        first.stopLogging("t");
        first.record(AuditEvent.builder("StoppedAtClose").build());
        first.close(Duration.ofMillis(100));

        ScriptedSink up = new ScriptedSink("s");
        ActionTrail second = open(trail("t", up));
        second.record(AuditEvent.builder("Fresh").build());
        assertThat(second.flush(TIMEOUT)).isTrue();
        assertThat(up.eventNames()).containsExactly("Before", "AfterRestart", "Fresh");
        assertInvariant(second.status("t").sink("s"));
    }

    @Test
    void syncModeRecordsDurablyFromManyThreadsSharingFsyncs() throws Exception {
        ScriptedSink sink = new ScriptedSink("s", new Batching(100, 1 << 20, Duration.ofMillis(5)));
        ActionTrail actionTrail =
                open(ActionTrail.builder().dataDir(dataDir).durability(Durability.SYNC), trail("t", sink));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    actionTrail.record(
                            AuditEvent.builder("T" + thread + "-" + i).build());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        JournalStatus status = actionTrail.journalStatus();
        assertThat(status.durability()).isEqualTo(Durability.SYNC);
        assertThat(status.nextPosition()).isEqualTo(400);
        assertThat(status.fsyncs()).isBetween(1L, 400L);
        assertThat(actionTrail.flush(TIMEOUT)).isTrue();
        assertThat(sink.eventIds()).hasSize(400).doesNotHaveDuplicates();
    }

    @Test
    void wakesTheWriterForAnEventRecordedAfterItWentIdle() {
        // the writer polls while events keep coming and sleeps, until a caller wakes it, once they stop: an event
        // recorded while it sleeps must reach the disk and the sink at once, not at the next minute's maintenance
        ScriptedSink sink = new ScriptedSink("s", new Batching(1, 1 << 20, Duration.ofMillis(1)));
        ActionTrail actionTrail =
                open(ActionTrail.builder().dataDir(dataDir).fsyncInterval(Duration.ofMillis(300)), trail("t", sink));
        actionTrail.record(AuditEvent.builder("First").build());
        await().atMost(TIMEOUT).until(() -> sink.eventNames().contains("First"));
        // the fsync comes 300 ms after the write, later than the 100 ms the writer polls for after the last event
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().fsyncs() >= 1);

        for (int i = 0; i < 3; i++) {
            String name = "AfterIdle" + i;
            long fsyncs = actionTrail.journalStatus().fsyncs();
            actionTrail.record(AuditEvent.builder(name).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.eventNames().contains(name));
            await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().fsyncs() > fsyncs);
        }
        assertThat(sink.eventNames()).containsExactly("First", "AfterIdle0", "AfterIdle1", "AfterIdle2");
    }
}
