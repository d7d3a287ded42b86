package io.actiontrail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventStore} must show, as JUnit 5 tests: the local journal and a shared store such as a
 * search index answer the same lookups the same way. A store's test class extends this one and creates a store
 * holding given events; the inherited tests then check every attribute filter, their combination with AND, the time
 * range and its bounds, newest-first order, page sizes, paging that visits each event exactly once, and the rejection
 * of tokens the store did not issue.
 *
 * <pre>{@code
 * class JournalEventStoreContractTest extends EventStoreContract {
 *     @TempDir Path dataDir;
 *
 *     protected EventStore createStore(List<AuditEvent> events) {
 *         ActionTrail actionTrail = ActionTrail.builder().dataDir(dataDir).build();
 *         events.forEach(actionTrail::record);
 *         return actionTrail;
 *     }
 * }
 * }</pre>
 *
 * <p>The events given to {@link #createStore} are in the order they were recorded, their event times strictly
 * increase in that order and their ids sort in that order too, so that "newest first" means the same for a store
 * that orders by recording and one that orders by event time. All event times are within the last few hours of the
 * system clock. Each test calls {@link #createStore} once; the store must hold exactly those events.
 *
 * <p>Not thread-safe: JUnit uses each instance from one thread at a time.
 */
public abstract class EventStoreContract {

    private static final String[] NAMES = {"CreateOrder", "DeleteOrder", "GetOrder"};
    private static final String[] USERS = {"alice", "bob"};
    private static final String[] RESOURCES = {"o-1", "o-2", "o-3"};
    private static final List<Outcome> OUTCOMES = List.of(Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED);

    /** For subclasses. */
    protected EventStoreContract() {}

    /**
     * Returns a store holding exactly {@code events}, recorded in the given order, each visible to lookups when this
     * method returns.
     */
    protected abstract EventStore createStore(List<AuditEvent> events) throws Exception;

    /** One filterable attribute: how to set it on a query, and the values the generated events take. */
    private record Attribute(String name, BiConsumer<LookupQuery.Builder, Object> setter, List<Object> values) {}

    private static final List<Attribute> ATTRIBUTES = List.of(
            new Attribute("eventName", (b, v) -> b.eventName((String) v), List.of((Object[]) NAMES)),
            new Attribute("eventRW", (b, v) -> b.eventRW((EventRW) v), List.of(EventRW.READ, EventRW.WRITE)),
            new Attribute(
                    "eventType",
                    (b, v) -> b.eventType((EventType) v),
                    List.of(EventType.API_CALL, EventType.CONSOLE_OPERATION)),
            new Attribute("userName", (b, v) -> b.userName((String) v), List.of((Object[]) USERS)),
            new Attribute("principalId", (b, v) -> b.principalId((String) v), List.of("u-alice", "u-bob")),
            new Attribute("accessKeyId", (b, v) -> b.accessKeyId((String) v), List.of("AK1", "AK2")),
            new Attribute("resourceType", (b, v) -> b.resourceType((String) v), List.of("Order", "Invoice")),
            new Attribute("resourceName", (b, v) -> b.resourceName((String) v), List.of((Object[]) RESOURCES)),
            new Attribute("serviceName", (b, v) -> b.serviceName((String) v), List.of("orders", "billing")),
            new Attribute(
                    "outcome",
                    (b, v) -> b.outcome((Outcome) v),
                    List.of(Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED)),
            new Attribute("requestId", (b, v) -> b.requestId((String) v), List.of("r-1", "r-2")),
            new Attribute("sourceIpAddress", (b, v) -> b.sourceIpAddress((String) v), List.of("10.0.0.1", "10.0.0.2")));

    /** A base time on whole milliseconds, a few hours ago, so that the default 7-day range holds every event. */
    private static Instant base() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
    }

    private static String id(int n) {
        return String.format("ev-%05d", n);
    }

    /** {@code count} events one second apart from {@code start}, with attributes drawn from {@code seed}. */
    private static List<AuditEvent> varied(int count, Instant start, long seed) {
        Random random = new Random(seed);
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            boolean anonymous = random.nextInt(5) == 0;
            String user = USERS[random.nextInt(USERS.length)];
            AuditEvent.Builder b = AuditEvent.builder(NAMES[random.nextInt(NAMES.length)])
                    .eventId(id(n))
                    .eventTime(start.plusSeconds(n))
                    .eventRW(random.nextBoolean() ? EventRW.READ : EventRW.WRITE)
                    .eventType(random.nextBoolean() ? EventType.API_CALL : EventType.CONSOLE_OPERATION)
                    .serviceName(random.nextBoolean() ? "orders" : "billing")
                    .outcome(OUTCOMES.get(random.nextInt(OUTCOMES.size())));
            if (!anonymous) {
                b.userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .userName(user)
                        .principalId("u-" + user)
                        .accessKeyId(random.nextBoolean() ? "AK1" : "AK2")
                        .build());
            }
            if (random.nextInt(4) != 0) {
                b.resource(random.nextBoolean() ? "Order" : "Invoice", RESOURCES[random.nextInt(RESOURCES.length)]);
            }
            if (random.nextInt(4) != 0) {
                b.requestId(random.nextBoolean() ? "r-1" : "r-2");
            }
            if (random.nextInt(4) != 0) {
                b.sourceIpAddress(random.nextBoolean() ? "10.0.0.1" : "10.0.0.2");
            }
            events.add(b.build());
        }
        return events;
    }

    private static AuditEvent plain(int n, Instant time, String eventName) {
        return AuditEvent.builder(eventName)
                .eventId(id(n))
                .eventTime(time)
                .userIdentity(UserIdentity.user("u-alice", "alice"))
                .serviceName("orders")
                .build();
    }

    /** What the store should answer: the matching events in [from, to), newest first. */
    private static List<String> oracle(List<AuditEvent> events, LookupQuery query, Instant from, Instant to) {
        List<String> ids = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            AuditEvent event = events.get(i);
            if (!event.eventTime().isBefore(from) && event.eventTime().isBefore(to) && query.matchesAttributes(event)) {
                ids.add(event.eventId());
            }
        }
        return ids;
    }

    private static List<String> ids(LookupResult result) {
        return result.events().stream().map(AuditEvent::eventId).toList();
    }

    /** Fetches every page; fails if an event appears twice or a page is over-full or a non-last page is short. */
    private static List<String> allPages(EventStore store, LookupQuery query) {
        List<String> ids = new ArrayList<>();
        @Nullable LookupQuery next = query;
        int pages = 0;
        while (next != null) {
            LookupResult page = store.lookup(next);
            assertThat(page.events()).hasSizeLessThanOrEqualTo(query.maxResults());
            if (page.hasNextPage()) {
                assertThat(page.events()).as("a page with a next page is full").hasSize(query.maxResults());
            }
            ids.addAll(ids(page));
            next = next.next(page);
            assertThat(++pages).as("pages").isLessThan(10_000);
        }
        assertThat(new HashSet<>(ids)).as("no event on two pages").hasSameSizeAs(ids);
        return ids;
    }

    /** Each attribute alone, and every pair of attributes, matches exactly the events the oracle expects. */
    @Test
    public void eachAttributeAloneAndEachPairMatchExactlyTheExpectedEvents() throws Exception {
        Instant start = base();
        List<AuditEvent> events = varied(120, start, 42);
        EventStore store = createStore(events);
        Instant from = start.minusSeconds(1);
        Instant to = start.plus(Duration.ofHours(1));

        LookupQuery everything = LookupQuery.builder()
                .startTime(from)
                .endTime(to)
                .maxResults(LookupQuery.MAX_MAX_RESULTS)
                .build();
        assertThat(ids(store.lookup(everything)))
                .isEqualTo(oracle(events, everything, from, to))
                .hasSize(120);
        for (Attribute a : ATTRIBUTES) {
            for (Object va : a.values()) {
                LookupQuery.Builder single = everything.toBuilder();
                a.setter().accept(single, va);
                LookupQuery q = single.build();
                assertThat(ids(store.lookup(q)))
                        .as(a.name() + "=" + va)
                        .isEqualTo(oracle(events, q, from, to))
                        .isNotEmpty();
            }
        }
        for (int i = 0; i < ATTRIBUTES.size(); i++) {
            for (int j = i + 1; j < ATTRIBUTES.size(); j++) {
                Attribute a = ATTRIBUTES.get(i);
                Attribute b = ATTRIBUTES.get(j);
                Object va = a.values().get((i + j) % a.values().size());
                Object vb = b.values().get((i * j) % b.values().size());
                LookupQuery.Builder pair = everything.toBuilder();
                a.setter().accept(pair, va);
                b.setter().accept(pair, vb);
                LookupQuery q = pair.build();
                assertThat(ids(store.lookup(q)))
                        .as(a.name() + "=" + va + " AND " + b.name() + "=" + vb)
                        .isEqualTo(oracle(events, q, from, to));
            }
        }
    }

    /** Filters combine with AND, match exactly and case-sensitively, and an event without the attribute never matches. */
    @Test
    public void combinesFiltersWithAndCaseSensitively() throws Exception {
        Instant t = base();
        EventStore store = createStore(List.of(
                AuditEvent.builder("CreateOrder")
                        .eventId(id(0))
                        .eventTime(t)
                        .userIdentity(UserIdentity.user("u-1", "alice"))
                        .build(),
                AuditEvent.builder("DeleteOrder")
                        .eventId(id(1))
                        .eventTime(t.plusSeconds(1))
                        .userIdentity(UserIdentity.user("u-1", "alice"))
                        .build(),
                AuditEvent.builder("CreateOrder")
                        .eventId(id(2))
                        .eventTime(t.plusSeconds(2))
                        .userIdentity(UserIdentity.user("u-2", "bob"))
                        .build(),
                AuditEvent.builder("CreateOrder")
                        .eventId(id(3))
                        .eventTime(t.plusSeconds(3))
                        .build()));

        assertThat(ids(store.lookup(LookupQuery.builder()
                        .eventName("CreateOrder")
                        .userName("alice")
                        .build())))
                .containsExactly(id(0));
        assertThat(ids(store.lookup(
                        LookupQuery.builder().eventName("CreateOrder").build())))
                .containsExactly(id(3), id(2), id(0));
        assertThat(ids(store.lookup(LookupQuery.builder().userName("alice").build())))
                .containsExactly(id(1), id(0));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .eventName("DeleteOrder")
                        .userName("bob")
                        .build())))
                .isEmpty();
        assertThat(ids(store.lookup(LookupQuery.builder().userName("Alice").build())))
                .as("case-sensitive")
                .isEmpty();
        assertThat(ids(store.lookup(LookupQuery.builder().eventName("Create").build())))
                .as("exact, not a prefix or a word")
                .isEmpty();
    }

    /** The start time is inclusive and the end time exclusive, to the millisecond and between milliseconds. */
    @Test
    public void startTimeIsInclusiveAndEndTimeExclusive() throws Exception {
        Instant t = base();
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            events.add(plain(n, t.plusSeconds(n), "E"));
        }
        EventStore store = createStore(events);
        Duration half = Duration.ofNanos(500_000);

        assertThat(ids(store.lookup(LookupQuery.builder()
                        .startTime(t.plusSeconds(2))
                        .endTime(t.plusSeconds(5))
                        .build())))
                .containsExactly(id(4), id(3), id(2));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .startTime(t.plusSeconds(2).plusMillis(1))
                        .endTime(t.plusSeconds(5).plusMillis(1))
                        .build())))
                .containsExactly(id(5), id(4), id(3));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .startTime(t.plusSeconds(2).minus(half))
                        .endTime(t.plusSeconds(5).minus(half))
                        .build())))
                .as("bounds between two milliseconds")
                .containsExactly(id(4), id(3), id(2));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .startTime(t.plusSeconds(2).plus(half))
                        .endTime(t.plusSeconds(5).plus(half))
                        .build())))
                .containsExactly(id(5), id(4), id(3));
        LookupResult empty = store.lookup(LookupQuery.builder()
                .startTime(t.plusSeconds(3))
                .endTime(t.plusSeconds(3))
                .build());
        assertThat(empty.events()).isEmpty();
        assertThat(empty.hasNextPage()).isFalse();
        assertThat(ids(store.lookup(
                        LookupQuery.builder().startTime(t.plusSeconds(9)).build())))
                .as("no end time: no upper bound")
                .containsExactly(id(9));
    }

    /** Without a start time a lookup covers the last 7 days; older events are left out. */
    @Test
    public void withoutStartTimeCoversTheLastSevenDays() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        EventStore store = createStore(List.of(
                plain(0, now.minus(Duration.ofDays(9)), "E"),
                plain(1, now.minus(Duration.ofDays(8)), "E"),
                plain(2, now.minus(Duration.ofDays(6)), "E"),
                plain(3, now.minus(Duration.ofMinutes(1)), "E")));

        assertThat(ids(store.lookup(LookupQuery.builder().build()))).containsExactly(id(3), id(2));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .startTime(now.minus(Duration.ofDays(10)))
                        .build())))
                .containsExactly(id(3), id(2), id(1), id(0));
    }

    /** Pages hold at most maxResults events, 50 by default, newest first; the last page has no token. */
    @Test
    public void pagesHoldAtMostMaxResultsNewestFirst() throws Exception {
        Instant t = base();
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < 120; n++) {
            events.add(plain(n, t.plusSeconds(n), "E"));
        }
        EventStore store = createStore(events);

        LookupQuery q = LookupQuery.builder().eventName("E").build();
        LookupResult first = store.lookup(q);
        assertThat(first.events()).hasSize(LookupQuery.DEFAULT_MAX_RESULTS);
        assertThat(ids(first).get(0)).isEqualTo(id(119));
        assertThat(first.hasNextPage()).isTrue();
        LookupQuery q2 = Objects.requireNonNull(q.next(first), "the first page has a next page");
        LookupResult second = store.lookup(q2);
        assertThat(ids(second).get(0)).isEqualTo(id(69));
        LookupQuery q3 = Objects.requireNonNull(q2.next(second), "the second page has a next page");
        LookupResult third = store.lookup(q3);
        assertThat(ids(third)).hasSize(20).endsWith(id(0));
        assertThat(third.hasNextPage()).isFalse();

        LookupResult one = store.lookup(q.toBuilder().maxResults(1).build());
        assertThat(ids(one)).containsExactly(id(119));
        assertThat(one.hasNextPage()).isTrue();
        LookupResult exact = store.lookup(q.toBuilder().maxResults(120).build());
        assertThat(exact.events()).hasSize(120);
        assertThat(exact.hasNextPage())
                .as("a page that ends at the last match has no token")
                .isFalse();
    }

    /** Paging with any page size visits every matching event exactly once, newest first. */
    @Test
    public void pagingVisitsEveryMatchingEventExactlyOnce() throws Exception {
        Instant start = base();
        List<AuditEvent> events = varied(150, start, 7);
        EventStore store = createStore(events);
        Instant from = start.plusSeconds(10);
        Instant to = start.plusSeconds(140);
        LookupQuery reads = LookupQuery.builder()
                .eventRW(EventRW.READ)
                .startTime(from)
                .endTime(to)
                .build();
        List<String> expected = oracle(events, reads, from, to);
        assertThat(expected).hasSizeGreaterThan(30);

        for (int pageSize : new int[] {1, 7, 10, expected.size(), expected.size() + 1}) {
            assertThat(allPages(store, reads.toBuilder().maxResults(pageSize).build()))
                    .as("pages of " + pageSize)
                    .isEqualTo(expected);
        }
        LookupResult first = store.lookup(reads.toBuilder().maxResults(5).build());
        assertThat(first.nextToken()).isNotNull();
        assertThat(ids(store.lookup(reads.toBuilder()
                        .maxResults(20)
                        .nextToken(first.nextToken())
                        .build())))
                .as("a token may be used with another page size")
                .isEqualTo(expected.subList(5, 25));
    }

    /** A token the store did not issue, or a token used with other filters, is refused. */
    @Test
    public void rejectsTokensItDidNotIssueOrUsedWithOtherFilters() throws Exception {
        Instant t = base();
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            events.add(plain(n, t.plusSeconds(n), "E"));
        }
        EventStore store = createStore(events);
        String forged = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("1|x|5|0|9|abc".getBytes(StandardCharsets.UTF_8));
        for (String garbage : new String[] {"garbage", "!!!", "AAAA", forged}) {
            assertThatThrownBy(() -> store.lookup(
                            LookupQuery.builder().nextToken(garbage).build()))
                    .as(garbage)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        LookupQuery q = LookupQuery.builder()
                .eventName("E")
                .startTime(t.minusSeconds(60))
                .maxResults(2)
                .build();
        String token = store.lookup(q).nextToken();
        assertThat(token).isNotNull();
        for (LookupQuery other : List.of(
                q.toBuilder().eventName("F").nextToken(token).build(),
                q.toBuilder().eventName(null).nextToken(token).build(),
                q.toBuilder().userName("alice").nextToken(token).build(),
                q.toBuilder().startTime(t.minusSeconds(61)).nextToken(token).build(),
                q.toBuilder().endTime(t.plusSeconds(60)).nextToken(token).build())) {
            assertThatThrownBy(() -> store.lookup(other))
                    .as(other.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ids(store.lookup(
                        q.toBuilder().maxResults(10).nextToken(token).build())))
                .containsExactly(id(2), id(1), id(0));
    }

    /**
     * Events come back with what was recorded: id, time, name, channel, identity, resource, outcome and correlation
     * (a store may fill in defaults, such as the journal's event source, that were not recorded).
     */
    @Test
    public void returnsTheRecordedAttributesOfEachEvent() throws Exception {
        List<AuditEvent> events = varied(20, base(), 3);
        EventStore store = createStore(events);

        List<AuditEvent> found =
                store.lookup(LookupQuery.builder().maxResults(100).build()).events();

        List<String> expected = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            expected.add(summary(events.get(i)));
        }
        assertThat(found.stream().map(EventStoreContract::summary).toList()).isEqualTo(expected);
    }

    private static String summary(AuditEvent e) {
        UserIdentity u = e.userIdentity();
        return String.join(
                "|",
                e.eventId(),
                e.eventTime().toString(),
                e.eventName(),
                String.valueOf(e.eventRW()),
                String.valueOf(e.eventType()),
                String.valueOf(e.serviceName()),
                u == null ? "null/null/null" : u.userName() + "/" + u.principalId() + "/" + u.accessKeyId(),
                e.resourceType() + "/" + e.resourceName(),
                String.valueOf(e.outcome()),
                String.valueOf(e.requestId()),
                String.valueOf(e.sourceIpAddress()));
    }
}
