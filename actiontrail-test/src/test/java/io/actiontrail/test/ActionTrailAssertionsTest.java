package io.actiontrail.test;

import static io.actiontrail.test.ActionTrailAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every assertion passes when it should and fails with a message that says what was expected and what was found. */
final class ActionTrailAssertionsTest {

    private static final AuditEvent CREATE = AuditEvent.builder("CreateOrder")
            .eventId("01960000-0000-7000-8000-000000000001")
            .eventType(EventType.CONSOLE_OPERATION)
            .eventRW(EventRW.WRITE)
            .userIdentity(UserIdentity.user("u-42", "alice"))
            .sourceIpAddress("203.0.113.7")
            .resource("Order", "o-1001")
            .requestParameter("orderId", "o-1001")
            .requestParameter("quantity", 3)
            .requestParameter("price", 19.5)
            .requestParameter("express", true)
            .requestParameter("coupon", null)
            .requestParameter("tags", List.of("gift", "rush"))
            .requestParameter("address", Map.of("city", "Hangzhou", "floor", 7))
            .outcome(Outcome.SUCCESS)
            .build();

    private static final AuditEvent FAILED_READ = AuditEvent.builder("GetOrder")
            .eventId("01960000-0000-7000-8000-000000000002")
            .eventRW(EventRW.READ)
            .eventType(EventType.API_CALL)
            .outcome(Outcome.FAILURE)
            .errorCode("OrderNotFound")
            .errorMessage("no order o-404")
            .build();

    private static InMemoryAuditSink sinkWith(AuditEvent... events) throws DeliveryException {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        if (events.length > 0) {
            sink.write(AuditBatch.ofEvents(List.of(events)));
        }
        return sink;
    }

    @Nested
    final class SinkAssertions {

        @Test
        void hasRecordedPassesWhenAnEventMatches() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatCode(() -> assertThat(sink).hasRecorded(e -> e.errorCode() != null))
                    .doesNotThrowAnyException();
        }

        @Test
        void hasRecordedFailsListingTheRecordedNames() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatThrownBy(() -> assertThat(sink).hasRecorded(e -> "DeleteOrder".equals(e.eventName())))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("sink 'memory'")
                    .hasMessageContaining("none of its 2 events matched")
                    .hasMessageContaining("[CreateOrder, GetOrder]");
        }

        @Test
        void hasRecordedNamesTheDescribedCondition() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE);

            assertThatThrownBy(() -> assertThat(sink).hasRecorded("a denied event", e -> e.outcome() == Outcome.DENIED))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("matching a denied event")
                    .hasMessageContaining("[CreateOrder]");
        }

        @Test
        void hasRecordedEventNamedPassesForARecordedName() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatCode(() -> assertThat(sink).hasRecordedEventNamed("GetOrder"))
                    .doesNotThrowAnyException();
        }

        @Test
        void hasRecordedEventNamedFailsListingTheRecordedNames() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatThrownBy(() -> assertThat(sink).hasRecordedEventNamed("DeleteOrder"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("\"DeleteOrder\"")
                    .hasMessageContaining("recorded: [CreateOrder, GetOrder]");
        }

        @Test
        void failureMessagesListAtMostFiftyNames() throws DeliveryException {
            List<AuditEvent> many = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                many.add(AuditEvent.builder("E" + i).build());
            }
            InMemoryAuditSink sink = InMemoryAuditSink.create();
            sink.write(AuditBatch.ofEvents(many));

            assertThatThrownBy(() -> assertThat(sink).hasRecordedEventNamed("Missing"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("E49, ... and 10 more]")
                    .hasMessageNotContaining("E50");
        }

        @Test
        void hasRecordedCountPassesForTheExactCount() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatCode(() -> assertThat(sink).hasRecordedCount(2)).doesNotThrowAnyException();
            assertThatCode(() -> assertThat(InMemoryAuditSink.create()).hasRecordedCount(0))
                    .doesNotThrowAnyException();
        }

        @Test
        void hasRecordedCountFailsWithExpectedAndActualCounts() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatThrownBy(() -> assertThat(sink).hasRecordedCount(3))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("to have recorded 3 events but it recorded 2: [CreateOrder, GetOrder]");
        }

        @Test
        void hasNotRecordedEventNamedPassesForAnAbsentName() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE);

            assertThatCode(() -> assertThat(sink).hasNotRecordedEventNamed("GetOrder"))
                    .doesNotThrowAnyException();
        }

        @Test
        void hasNotRecordedEventNamedFailsNamingTheOffendingIds() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatThrownBy(() -> assertThat(sink).hasNotRecordedEventNamed("GetOrder"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("not to have recorded an event named \"GetOrder\"")
                    .hasMessageContaining(FAILED_READ.eventId());
        }

        @Test
        void singleEventNamedReturnsAssertionsOnThatEvent() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ);

            assertThatCode(() -> assertThat(sink)
                            .singleEventNamed("GetOrder")
                            .hasErrorCode("OrderNotFound")
                            .hasEventRW(EventRW.READ))
                    .doesNotThrowAnyException();
            assertThatThrownBy(
                            () -> assertThat(sink).singleEventNamed("GetOrder").hasErrorCode("Other"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("errorCode \"Other\" but was \"OrderNotFound\"");
        }

        @Test
        void singleEventNamedFailsWhenNoneOrSeveralHaveTheName() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE, FAILED_READ, CREATE);

            assertThatThrownBy(() -> assertThat(sink).singleEventNamed("CreateOrder"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exactly one event named \"CreateOrder\", but it recorded 2");
            assertThatThrownBy(() -> assertThat(sink).singleEventNamed("DeleteOrder"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but it recorded 0; recorded: [CreateOrder, GetOrder, CreateOrder]");
        }

        @Test
        void awaitRecordedReturnsOnceAWriteFromAnotherThreadArrives() throws Exception {
            InMemoryAuditSink sink = InMemoryAuditSink.create();
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    waiting.await();
                    sink.write(AuditBatch.ofEvents(List.of(CREATE, FAILED_READ)));
                } catch (InterruptedException | DeliveryException e) {
                    throw new IllegalStateException(e);
                }
            });

            waiting.countDown();
            assertThat(sink).awaitRecorded(2, Duration.ofSeconds(10)).hasRecordedEventNamed("GetOrder");

            writer.get(10, TimeUnit.SECONDS);
        }

        @Test
        void awaitRecordedFailsAfterTheTimeoutWithWhatArrived() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE);

            assertThatThrownBy(() -> assertThat(sink).awaitRecorded(2, Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(
                            "to record at least 2 events within PT0.05S, but it recorded 1: [CreateOrder]");
        }

        @Test
        void awaitRecordedFailsWhenInterrupted() {
            InMemoryAuditSink sink = InMemoryAuditSink.create();

            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> assertThat(sink).awaitRecorded(1, Duration.ofSeconds(10)))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("Interrupted while waiting");
                assertThat(Thread.currentThread().isInterrupted())
                        .as("interrupt flag restored")
                        .isTrue();
            } finally {
                boolean cleared = Thread.interrupted();
                assertThat(cleared).isTrue();
            }
        }

        @Test
        void awaitRecordedRejectsNegativeArguments() {
            InMemoryAuditSink sink = InMemoryAuditSink.create();

            assertThatThrownBy(() -> assertThat(sink).awaitRecorded(-1, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
            assertThatThrownBy(() -> assertThat(sink).awaitRecorded(1, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT-1S");
        }

        @Test
        void aNullSinkFailsEveryAssertion() {
            assertThatThrownBy(() -> assertThat((InMemoryAuditSink) null).hasRecordedCount(0))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expecting actual not to be null");
        }

        @Test
        void aDescriptionPrefixesTheMessage() throws DeliveryException {
            InMemoryAuditSink sink = sinkWith(CREATE);

            assertThatThrownBy(() -> assertThat(sink).as("audit of checkout").hasRecordedCount(2))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("[audit of checkout]");
        }
    }

    @Nested
    final class EventAssertions {

        @Test
        void passesForEveryMatchingField() {
            assertThatCode(() -> assertThat(CREATE)
                            .hasEventName("CreateOrder")
                            .hasOutcome(Outcome.SUCCESS)
                            .hasUserName("alice")
                            .hasPrincipalId("u-42")
                            .hasSourceIpAddress("203.0.113.7")
                            .hasResource("Order", "o-1001")
                            .hasEventRW(EventRW.WRITE)
                            .hasEventType(EventType.CONSOLE_OPERATION))
                    .doesNotThrowAnyException();
            assertThatCode(() -> assertThat(FAILED_READ).hasErrorCode("OrderNotFound"))
                    .doesNotThrowAnyException();
        }

        @Test
        void hasEventNameFails() {
            assertThatThrownBy(() -> assertThat(CREATE).hasEventName("DeleteOrder"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("event \"CreateOrder\" (eventId " + CREATE.eventId() + ")")
                    .hasMessageContaining("eventName \"DeleteOrder\" but was \"CreateOrder\"");
        }

        @Test
        void hasOutcomeFails() {
            assertThatThrownBy(() -> assertThat(CREATE).hasOutcome(Outcome.DENIED))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("outcome \"Denied\" but was \"Success\"");
            assertThatThrownBy(
                            () -> assertThat(AuditEvent.builder("Bare").build()).hasOutcome(Outcome.SUCCESS))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("outcome \"Success\" but was <absent>");
        }

        @Test
        void hasUserNameFails() {
            assertThatThrownBy(() -> assertThat(CREATE).hasUserName("bob"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("userIdentity.userName \"bob\" but was \"alice\"");
        }

        @Test
        void identityAssertionsFailWhenThereIsNoIdentity() {
            assertThatThrownBy(() -> assertThat(FAILED_READ).hasUserName("alice"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but it has no userIdentity");
            assertThatThrownBy(() -> assertThat(FAILED_READ).hasPrincipalId("u-42"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("userIdentity.principalId \"u-42\", but it has no userIdentity");
        }

        @Test
        void hasPrincipalIdFails() {
            assertThatThrownBy(() -> assertThat(CREATE).hasPrincipalId("u-7"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("userIdentity.principalId \"u-7\" but was \"u-42\"");
        }

        @Test
        void hasSourceIpAddressFails() {
            assertThatThrownBy(() -> assertThat(CREATE).hasSourceIpAddress("198.51.100.1"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("sourceIpAddress \"198.51.100.1\" but was \"203.0.113.7\"");
        }

        @Test
        void hasResourceFailsOnTypeOrName() {
            assertThatThrownBy(() -> assertThat(CREATE).hasResource("Order", "o-2"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("resource \"Order\" \"o-2\" but had \"Order\" \"o-1001\"");
            assertThatThrownBy(() -> assertThat(CREATE).hasResource("Invoice", "o-1001"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("resource \"Invoice\" \"o-1001\" but had \"Order\" \"o-1001\"");
            assertThatThrownBy(() -> assertThat(FAILED_READ).hasResource("Order", "o-404"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but had <absent> <absent>");
        }

        @Test
        void hasErrorCodeFails() {
            assertThatThrownBy(() -> assertThat(CREATE).hasErrorCode("OrderLocked"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("errorCode \"OrderLocked\" but was <absent>");
        }

        @Test
        void hasEventRWFails() {
            assertThatThrownBy(() -> assertThat(FAILED_READ).hasEventRW(EventRW.WRITE))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("eventRW \"Write\" but was \"Read\"");
        }

        @Test
        void hasEventTypeFails() {
            assertThatThrownBy(() -> assertThat(FAILED_READ).hasEventType(EventType.CONSOLE_OPERATION))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("eventType \"ConsoleOperation\" but was \"ApiCall\"");
        }

        @Test
        void hasRequestParameterComparesJsonValues() {
            Map<String, @Nullable Object> address = new LinkedHashMap<>();
            address.put("city", "Hangzhou");
            address.put("floor", 7);

            assertThatCode(() -> assertThat(CREATE)
                            .hasRequestParameter("orderId", "o-1001")
                            .hasRequestParameter("quantity", 3L)
                            .hasRequestParameter("quantity", 3)
                            .hasRequestParameter("price", 19.5)
                            .hasRequestParameter("price", 19.5f)
                            .hasRequestParameter("express", true)
                            .hasRequestParameter("coupon", null)
                            .hasRequestParameter("tags", List.of("gift", "rush"))
                            .hasRequestParameter("address", address))
                    .doesNotThrowAnyException();
        }

        @Test
        void hasRequestParameterFailsShowingValuesAndTypes() {
            assertThatThrownBy(() -> assertThat(CREATE).hasRequestParameter("quantity", "3"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("request parameter \"quantity\" = \"3\" (String) but was 3 (Long)");
            assertThatThrownBy(() -> assertThat(CREATE).hasRequestParameter("price", 20))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("= 20 (Long) but was 19.5 (Double)");
            assertThatThrownBy(() -> assertThat(CREATE).hasRequestParameter("tags", List.of("gift")))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("= [gift] (List) but was [gift, rush] (List)");
        }

        @Test
        void hasRequestParameterFailsOnAMissingKey() {
            assertThatThrownBy(() -> assertThat(CREATE).hasRequestParameter("customerId", "c-1"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but it has no such key; keys: [orderId, quantity, price, express, coupon,"
                            + " tags, address]");
            assertThatThrownBy(() -> assertThat(CREATE).hasRequestParameter("orderId", null))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("= null but was \"o-1001\" (String)");
        }

        @Test
        void hasRequestParameterFailsWhenThereAreNone() {
            assertThatThrownBy(() -> assertThat(FAILED_READ).hasRequestParameter("orderId", "o-404"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("but it has no requestParameters");
        }

        @Test
        void aNullEventFailsEveryAssertion() {
            assertThatThrownBy(() -> assertThat((AuditEvent) null).hasEventName("X"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expecting actual not to be null");
        }
    }
}
