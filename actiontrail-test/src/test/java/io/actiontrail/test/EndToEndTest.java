package io.actiontrail.test;

import static io.actiontrail.test.ActionTrailAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.Batching;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application records through a real {@link ActionTrail}; the test kit checks what reached the sink. */
final class EndToEndTest {

    private static final Duration FLUSH = Duration.ofSeconds(10);
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.2);

    @TempDir
    static Path dataDir;

    private static ActionTrail actionTrail(InMemoryAuditSink sink, RetryPolicy retryPolicy) {
        return ActionTrail.builder()
                .serviceName("t")
                .dataDir(dataDir.resolve(java.util.UUID.randomUUID().toString()))
                .shutdownHook(false)
                .trail(Trail.builder("main").sink(sink).retryPolicy(retryPolicy).build())
                .build();
    }

    private static TrailStatus.SinkStatus status(ActionTrail actionTrail, InMemoryAuditSink sink) {
        return actionTrail.status("main").sink(sink.name());
    }

    @Test
    @SuppressWarnings("try") // the scope is used for its close() only
    void recordedEventsArriveWithContextAndDefaultsFilledIn() {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (ActionTrail actionTrail = actionTrail(sink, RetryPolicy.DEFAULT)) {
            actionTrail.record(AuditEvent.builder("StartUp")
                    .eventType(EventType.SYSTEM_EVENT)
                    .build());
            try (AuditContext.Scope scope = AuditContext.builder()
                    .identity(UserIdentity.user("u-42", "alice"))
                    .sourceIpAddress("203.0.113.7")
                    .requestId("req-1")
                    .open()) {
                actionTrail.record(AuditEvent.builder("CreateOrder")
                        .resource("Order", "o-1001")
                        .requestParameter("quantity", 3)
                        .requestParameter("password", "hunter2")
                        .build());
                actionTrail.record(AuditEvent.builder("GetOrder")
                        .eventRW(EventRW.READ)
                        .resource("Order", "o-404")
                        .errorCode("OrderNotFound")
                        .build());
            }

            assertThat(actionTrail.flush(FLUSH)).as("flushed in time").isTrue();

            assertThat(sink).hasRecordedCount(3).hasNotRecordedEventNamed("DeleteOrder");
            assertThat(sink)
                    .singleEventNamed("StartUp")
                    .hasEventType(EventType.SYSTEM_EVENT)
                    .hasEventRW(EventRW.WRITE)
                    .hasOutcome(Outcome.SUCCESS);
            assertThat(sink)
                    .hasRecorded(
                            "StartUp by an anonymous caller, outside the context",
                            e -> e.eventName().equals("StartUp")
                                    && UserIdentity.anonymous().equals(e.userIdentity())
                                    && e.sourceIpAddress() == null);
            assertThat(sink)
                    .singleEventNamed("CreateOrder")
                    .hasUserName("alice")
                    .hasPrincipalId("u-42")
                    .hasSourceIpAddress("203.0.113.7")
                    .hasResource("Order", "o-1001")
                    .hasEventType(EventType.API_CALL)
                    .hasOutcome(Outcome.SUCCESS)
                    .hasRequestParameter("quantity", 3)
                    .satisfies(e -> assertThat(e.requestParameters())
                            .as("redacted password")
                            .containsKey("password")
                            .doesNotContainEntry("password", "hunter2"));
            assertThat(sink)
                    .singleEventNamed("GetOrder")
                    .hasEventRW(EventRW.READ)
                    .hasOutcome(Outcome.FAILURE)
                    .hasErrorCode("OrderNotFound")
                    .hasUserName("alice");
            assertThat(sink.events())
                    .as("events filled with the configured service name")
                    .allSatisfy(e -> assertThat(e.serviceName()).isEqualTo("t"));
        }

        assertThat(sink.isClosed()).as("sink closed with the ActionTrail").isTrue();
    }

    @Test
    void retryableFailuresAreRetriedUntilEveryEventIsDelivered() {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failNext(3, true);
        try (ActionTrail actionTrail = actionTrail(sink, FAST_RETRY)) {
            for (int i = 0; i < 5; i++) {
                actionTrail.record(AuditEvent.builder("Retried" + i).build());
            }

            assertThat(actionTrail.flush(FLUSH)).as("flushed in time").isTrue();

            TrailStatus.SinkStatus status = status(actionTrail, sink);
            assertThat(status.recorded()).isEqualTo(5);
            assertThat(status.delivered()).isEqualTo(5);
            assertThat(status.pending()).isZero();
            assertThat(status.droppedTotal()).isZero();
            assertThat(status.retries()).isGreaterThanOrEqualTo(3);
            assertThat(status.latestDeliveryError()).contains("injected retryable failure");
            assertThat(status.isFailing()).as("failing after the last success").isFalse();
        }

        assertThat(sink).hasRecordedCount(5).hasRecordedEventNamed("Retried0").hasRecordedEventNamed("Retried4");
        assertThat(sink.eventIds()).doesNotHaveDuplicates();
        assertThat(sink.failedWrites()).isEqualTo(3);
        assertThat(sink.writeAttempts()).isEqualTo(3 + sink.batches().size());
    }

    @Test
    void aSinkThatIsDownKeepsEventsPendingUntilItRecovers() {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        sink.failUntilRecovered(true);
        try (ActionTrail actionTrail = actionTrail(sink, FAST_RETRY)) {
            for (int i = 0; i < 4; i++) {
                actionTrail.record(AuditEvent.builder("WhileDown" + i).build());
            }

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(actionTrail, sink);
                assertThat(status.retries()).isGreaterThanOrEqualTo(2);
                assertThat(status.isFailing()).isTrue();
                assertThat(status.pending()).isEqualTo(4);
            });
            assertThat(sink).hasRecordedCount(0);

            sink.recover();

            assertThat(sink).awaitRecorded(4, Duration.ofSeconds(10)).hasRecordedEventNamed("WhileDown3");
            assertThat(actionTrail.flush(FLUSH)).as("flushed in time").isTrue();
            TrailStatus.SinkStatus status = status(actionTrail, sink);
            assertThat(status.delivered()).isEqualTo(4);
            assertThat(status.pending()).isZero();
            assertThat(status.droppedTotal()).isZero();
        }
    }

    @Test
    void aPermanentFailureDropsTheBatchCountedAsRejected() {
        // three events make a full batch, so the rejected batch holds exactly the first three
        InMemoryAuditSink sink = InMemoryAuditSink.builder()
                .batching(new Batching(3, Batching.DEFAULT.maxBytes(), Duration.ofSeconds(30)))
                .build();
        sink.failNext(1, false);
        try (ActionTrail actionTrail = actionTrail(sink, FAST_RETRY)) {
            for (int i = 0; i < 3; i++) {
                actionTrail.record(AuditEvent.builder("Rejected" + i).build());
            }
            assertThat(actionTrail.flush(FLUSH)).as("flushed in time").isTrue();
            actionTrail.record(AuditEvent.builder("Kept0").build());
            actionTrail.record(AuditEvent.builder("Kept1").build());
            assertThat(actionTrail.flush(FLUSH)).as("flushed in time").isTrue();

            TrailStatus.SinkStatus status = status(actionTrail, sink);
            assertThat(status.dropped()).isEqualTo(Map.of("rejected", 3L));
            assertThat(status.delivered()).isEqualTo(2);
            assertThat(status.pending()).isZero();
            assertThat(status.retries())
                    .as("a permanent failure is not retried")
                    .isZero();
            assertThat(status.recorded())
                    .isEqualTo(5)
                    .isEqualTo(status.delivered() + status.pending() + status.droppedTotal());
            assertThat(status.latestDeliveryError()).contains("injected permanent failure");
        }

        assertThat(sink)
                .hasRecordedCount(2)
                .hasRecordedEventNamed("Kept0")
                .hasRecordedEventNamed("Kept1")
                .hasNotRecordedEventNamed("Rejected0")
                .hasNotRecordedEventNamed("Rejected2");
        assertThat(sink.writeAttempts()).isEqualTo(2);
    }
}
