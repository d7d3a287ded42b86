package io.actiontrail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AuditSink} must show, as JUnit 5 tests. A sink's test class extends this one, creates
 * the sink under test and reads back what its destination holds; the inherited tests then check delivery, order,
 * encoding, retries, failure classification and closing against the real destination.
 *
 * <pre>{@code
 * class FileAuditSinkContractTest extends AuditSinkContract {
 *     @TempDir Path dir;
 *
 *     protected AuditSink createSink() {
 *         return FileAuditSink.builder().directory(dir).build();
 *     }
 *
 *     protected List<String> deliveredEventIds() throws IOException {
 *         return deliveredEvents().stream().map(AuditEvent::eventId).toList();
 *     }
 *
 *     protected List<AuditEvent> deliveredEvents() throws IOException {
 *         return readAllLines(dir).stream().map(AuditEvent::fromJson).toList();
 *     }
 * }
 * }</pre>
 *
 * <p>Each test calls {@link #createSink()} at most once, writes to that sink from the test thread only, as the
 * pipeline does, and closes it after the test (unless the test closed it itself). The destination must be empty at
 * the start of each test: use a fresh directory, bucket prefix, index or logger per test.
 *
 * <p>Not thread-safe: JUnit uses each instance from one thread at a time.
 */
public abstract class AuditSinkContract {

    /** The number of events in the large batch, unless the sink's {@link Batching} allows fewer. */
    protected static final int LARGE_BATCH_EVENTS = 5_000;

    private static final Instant BASE_TIME = Instant.parse("2026-03-14T09:26:53.589Z");

    private @Nullable AuditSink sink;
    private boolean sinkClosed;
    private final List<AuditSink> failingSinks = new ArrayList<>();

    /** For subclasses. */
    protected AuditSinkContract() {}

    /** Returns a new sink that delivers to the destination read by {@link #deliveredEventIds()}. */
    protected abstract AuditSink createSink() throws Exception;

    /**
     * Returns the ids of every event the destination holds, duplicates included, in delivery order where the
     * destination keeps order.
     */
    protected abstract List<String> deliveredEventIds() throws Exception;

    /** Returns every event the destination holds, decoded back from it, in the same order as the ids. */
    protected abstract List<AuditEvent> deliveredEvents() throws Exception;

    /**
     * Returns a sink whose destination is down or unreachable, so that every write fails retryably; {@code null},
     * the default, skips the test that needs it.
     */
    protected @Nullable AuditSink createUnreachableSink() throws Exception {
        return null;
    }

    /**
     * Returns a sink whose destination permanently rejects what it is sent, so that every write fails without retry;
     * {@code null}, the default, skips the test that needs it.
     */
    protected @Nullable AuditSink createRejectingSink() throws Exception {
        return null;
    }

    /** Returns whether the destination keeps events in delivery order; {@code true} unless overridden. */
    protected boolean preservesOrder() {
        return true;
    }

    /** Returns the sink of the current test, creating it on first use. */
    protected final AuditSink sink() throws Exception {
        AuditSink current = sink;
        if (current == null) {
            current = createSink();
            assertThat(current).as("createSink()").isNotNull();
            sink = current;
        }
        return current;
    }

    /** Closes the sinks the current test created and did not close itself. */
    @AfterEach
    protected final void closeSinks() throws Exception {
        AuditSink current = sink;
        sink = null;
        try {
            if (current != null && !sinkClosed) {
                current.close();
            }
        } finally {
            sinkClosed = false;
            for (AuditSink failing : failingSinks) {
                failing.close();
            }
            failingSinks.clear();
        }
    }

    /** Every event of a batch reaches the destination, once, unchanged. */
    @Test
    public void deliversEveryEventOfABatch() throws Exception {
        List<AuditEvent> events = events("Batch", 10);

        sink().write(AuditBatch.ofEvents(events));

        assertDeliveredExactly(ids(events));
        assertThat(deliveredEvents()).as("delivered events").containsExactlyInAnyOrderElementsOf(events);
    }

    /** Batches written one after another arrive in the order they were written, and in order within each batch. */
    @Test
    public void preservesBatchOrderAcrossBatches() throws Exception {
        Assumptions.assumeTrue(preservesOrder(), "the destination does not keep order");
        List<AuditEvent> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<AuditEvent> batch = events("Ordered" + i + "_", 3 + i);
            all.addAll(batch);
            sink().write(AuditBatch.ofEvents(batch));
        }

        assertThat(deliveredEventIds()).as("delivered event ids").containsExactlyElementsOf(ids(all));
    }

    /**
     * A batch as large as the pipeline hands this sink (up to {@value #LARGE_BATCH_EVENTS} events, within its
     * {@link Batching} limits) is delivered whole.
     */
    @Test
    public void deliversALargeBatch() throws Exception {
        AuditSink target = sink();
        Batching batching = target.batching();
        int maxEvents = Math.min(LARGE_BATCH_EVENTS, batching.maxEvents());
        List<AuditEvent> events = new ArrayList<>(maxEvents);
        long bytes = 0;
        for (int i = 0; i < maxEvents; i++) {
            AuditEvent event = AuditEvent.builder("Large")
                    .eventTime(BASE_TIME.plusMillis(i))
                    .userIdentity(UserIdentity.user("u-" + (i % 97), "user" + (i % 97)))
                    .resource("Order", "order-" + i)
                    .requestParameter("index", i)
                    .requestParameter("note", "event " + i + " of a large batch")
                    .build();
            bytes += AuditRecord.of(event).sizeInBytes();
            if (!events.isEmpty() && bytes > batching.maxBytes()) {
                break;
            }
            events.add(event);
        }

        target.write(AuditBatch.ofEvents(events));

        List<String> delivered = deliveredEventIds();
        assertThat(delivered).as("delivered event ids").hasSize(events.size()).doesNotHaveDuplicates();
        assertDeliveredExactly(ids(events));
    }

    /**
     * Text survives the destination unchanged: CJK, emoji, quotes, backslashes, line breaks, control characters and
     * characters that look like placeholders or markup.
     */
    @Test
    public void preservesUnicodeAndEscapes() throws Exception {
        List<String> texts = List.of(
                "审计日志：订单已创建",
                "操作者 🔐👩‍💻 ✅ 𝄞",
                "\"double\" and 'single' quotes",
                "back\\slash C:\\temp\\new and trailing \\",
                "line one\nline two\r\nline three\ttabbed",
                "control \u0000 \u0001 \u0008 \u000b \u000c \u001b \u001f \u007f end",
                "separators \u2028 \u2029 and bidi \u202e",
                "placeholders {} {0} %s ${x} \\{} <b>&amp;</b>");
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            Map<String, @Nullable Object> nested = new LinkedHashMap<>();
            nested.put("value", text);
            nested.put("list", List.of(text, "plain"));
            events.add(AuditEvent.builder("Unicode " + i + " " + text)
                    .eventTime(BASE_TIME.plusSeconds(i))
                    .userIdentity(UserIdentity.user("用户-" + i, text))
                    .userAgent(text)
                    .resource("文档", text)
                    .requestParameter("text", text)
                    .requestParameter("键 " + text, nested)
                    .outcome(Outcome.FAILURE)
                    .errorCode("E\"" + i)
                    .errorMessage(text)
                    .build());
        }

        sink().write(AuditBatch.ofEvents(events));

        assertDeliveredEventsEqual(events);
    }

    /** A fully populated event, every optional field and nested value set, arrives equal to the original. */
    @Test
    public void roundTripsEveryField() throws Exception {
        AuditEvent full = fullyPopulatedEvent();

        sink().write(AuditBatch.ofEvents(List.of(full)));

        assertDeliveredEventsEqual(List.of(full));
    }

    /**
     * Writing the same batch again, as the pipeline does after a retryable failure, leaves every event delivered at
     * least once; duplicates carry the same {@code eventId}.
     */
    @Test
    public void retriedBatchDoesNotLoseEvents() throws Exception {
        List<AuditEvent> events = events("Retried", 7);
        AuditBatch batch = AuditBatch.ofEvents(events);
        AuditSink target = sink();

        target.write(batch);
        target.write(batch);

        List<String> delivered = deliveredEventIds();
        assertThat(new LinkedHashSet<>(delivered))
                .as("distinct delivered event ids")
                .containsExactlyInAnyOrderElementsOf(ids(events));
        assertThat(delivered).as("delivered event ids").hasSizeBetween(events.size(), 2 * events.size());
        assertThat(new LinkedHashSet<>(deliveredEvents()))
                .as("distinct delivered events")
                .containsExactlyInAnyOrderElementsOf(events);
    }

    /** A destination that is down makes {@code write} throw a retryable {@link DeliveryException}. */
    @Test
    public void unreachableDestinationIsRetryable() throws Exception {
        AuditSink unreachable = provided(createUnreachableSink(), "createUnreachableSink()");
        AuditBatch batch = AuditBatch.ofEvents(events("Unreachable", 3));

        assertThatThrownBy(() -> unreachable.write(batch))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                        .as("isRetryable() of %s", e)
                        .isTrue());
    }

    /** A destination that rejects the content makes {@code write} throw a permanent {@link DeliveryException}. */
    @Test
    public void rejectedContentIsPermanent() throws Exception {
        AuditSink rejecting = provided(createRejectingSink(), "createRejectingSink()");
        AuditBatch batch = AuditBatch.ofEvents(events("Rejected", 3));

        assertThatThrownBy(() -> rejecting.write(batch))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isRetryable())
                        .as("isRetryable() of %s", e)
                        .isFalse());
    }

    /** Closing after writes does not throw and keeps what was delivered; closing again is harmless. */
    @Test
    public void closeIsIdempotentOrSafe() throws Exception {
        List<AuditEvent> events = events("Closed", 4);
        AuditSink target = sink();
        target.write(AuditBatch.ofEvents(events));

        sinkClosed = true;
        assertThatCode(target::close).as("first close()").doesNotThrowAnyException();
        assertThatCode(target::close).as("second close()").doesNotThrowAnyException();

        assertDeliveredExactly(ids(events));
    }

    /** The sink names itself and declares a valid batching, which the pipeline needs before the first write. */
    @Test
    public void hasANameAndBatching() throws Exception {
        AuditSink target = sink();

        assertThat(target.name()).as("name()").isNotBlank();
        assertThat(target.batching()).as("batching()").isNotNull();
    }

    /** Returns the sink an optional hook created, to be closed after the test; skips the test if there is none. */
    private AuditSink provided(@Nullable AuditSink created, String hook) {
        if (created == null) {
            return Assumptions.abort(hook + " is not overridden; this sink's tests do not cover it");
        }
        failingSinks.add(created);
        return created;
    }

    private void assertDeliveredExactly(List<String> expectedIds) throws Exception {
        List<String> delivered = deliveredEventIds();
        if (preservesOrder()) {
            assertThat(delivered).as("delivered event ids").containsExactlyElementsOf(expectedIds);
        } else {
            assertThat(delivered).as("delivered event ids").containsExactlyInAnyOrderElementsOf(expectedIds);
        }
    }

    private void assertDeliveredEventsEqual(List<AuditEvent> expected) throws Exception {
        List<AuditEvent> delivered = deliveredEvents();
        assertThat(ids(delivered)).as("ids of delivered events").containsExactlyInAnyOrderElementsOf(ids(expected));
        Map<String, AuditEvent> byId = new LinkedHashMap<>();
        for (AuditEvent event : delivered) {
            byId.put(event.eventId(), event);
        }
        for (AuditEvent original : expected) {
            assertThat(byId.get(original.eventId()))
                    .as("delivered event %s", original.eventId())
                    .isEqualTo(original);
        }
    }

    private static List<String> ids(List<AuditEvent> events) {
        List<String> ids = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            ids.add(event.eventId());
        }
        return ids;
    }

    /** Returns {@code count} distinct, simply populated events named {@code prefix} and their index. */
    private static List<AuditEvent> events(String prefix, int count) {
        List<AuditEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder(prefix + i)
                    .eventTime(BASE_TIME.plusMillis(i))
                    .eventRW(i % 2 == 0 ? EventRW.WRITE : EventRW.READ)
                    .userIdentity(UserIdentity.user("u-" + i, "user" + i))
                    .sourceIpAddress("198.51.100." + (i % 250))
                    .resource("Order", "order-" + i)
                    .requestParameter("index", i)
                    .outcome(Outcome.SUCCESS)
                    .build());
        }
        return events;
    }

    private static AuditEvent fullyPopulatedEvent() {
        Map<String, @Nullable Object> address = new LinkedHashMap<>();
        address.put("city", "Hangzhou");
        address.put("lines", List.of("No. 1 West Lake Road", "Building 7"));
        address.put("verified", false);
        address.put("floor", null);
        Map<String, @Nullable Object> item = new LinkedHashMap<>();
        item.put("sku", "SKU-1");
        item.put("quantity", 3L);
        item.put("unitPrice", 19.99);
        Map<String, @Nullable Object> request = new LinkedHashMap<>();
        request.put("orderId", "o-1001");
        request.put("count", 42L);
        request.put("ratio", 0.25);
        request.put("express", true);
        request.put("coupon", null);
        request.put("items", List.of(item, List.of(1L, "two", 3.5, true)));
        request.put("address", address);
        request.put("empty", Map.of());
        request.put("none", List.of());
        Map<String, @Nullable Object> response = new LinkedHashMap<>();
        response.put("status", "CREATED");
        response.put("total", 59.97);
        response.put("lines", List.of(Map.of("sku", "SKU-1")));
        Map<String, @Nullable Object> additional = new LinkedHashMap<>();
        additional.put("retryOf", "r-9");
        additional.put("attempt", 2L);
        additional.put("flags", List.of("a", "b"));

        UserIdentity identity = UserIdentity.builder(UserIdentity.Type.ASSUMED_ROLE)
                .principalId("AROA-1234:alice")
                .userName("alice")
                .accountId("acct-42")
                .accessKeyId("AK-EXAMPLE-0001")
                .sessionContext(new UserIdentity.SessionContext(
                        true, Instant.parse("2026-03-14T08:00:00.123Z"), List.of("admin", "auditor")))
                .build();
        Map<String, List<String>> referenced = new LinkedHashMap<>();
        referenced.put("Order", List.of("o-1001", "o-1002"));
        referenced.put("Customer", List.of("c-7"));

        return AuditEvent.builder("UpdateOrder")
                .eventVersion(AuditEvent.CURRENT_VERSION)
                .eventId("01960000-0000-7000-8000-00000000f011")
                .eventTime(Instant.parse("2026-03-14T09:26:53.589Z"))
                .eventType(EventType.CONSOLE_OPERATION)
                .eventRW(EventRW.WRITE)
                .eventCategory(EventCategory.DATA)
                .serviceName("orders")
                .eventSource("orders-7f9c.internal")
                .region("cn-hangzhou")
                .userIdentity(identity)
                .sourceIpAddress("2001:db8::17")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64)")
                .requestId("req-5c1e")
                .resource("Order", "o-1001")
                .referencedResources(referenced)
                .requestParameters(request)
                .responseElements(response)
                .outcome(Outcome.FAILURE)
                .errorCode("OrderLocked")
                .errorMessage("order o-1001 is locked by another update")
                .durationMs(1234L)
                .additionalEventData(additional)
                .build();
    }
}
