package io.actiontrail.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventStore} must show, as JUnit 5 tests: the local journal and a shared store such as a
 * search index answer the same lookups the same way. A store's test class extends this one and creates a store
 * holding given events; the inherited tests then check every attribute filter, their combination with AND, conditions
 * with several values (OR), prefixes and negation, networks of source addresses, resources named as primary or
 * referenced ones, free text, the time range and its bounds, both orders, page sizes, paging that visits each event
 * exactly once, the rejection of tokens the store did not issue or issued for another query, and aggregations
 * (histograms with failures, denials and empty buckets; the most frequent values). Wherever it can, a test compares
 * the store's answer with what {@link LookupQuery#matchesAttributes} says of the events it created.
 *
 * <p>Free text is only asked for phrases in indexed top-level string values (such as {@code errorMessage}), which a
 * search index can find as well as the journal.
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
 *
 * <p>Over 500 lines on purpose: a contract kit is one class that a store's test extends; every test it holds is one
 * more promise each store is held to.
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
    private record Filter(String name, BiConsumer<LookupQuery.Builder, Object> setter, List<Object> values) {}

    private static final List<Filter> ATTRIBUTES = List.of(
            new Filter("eventName", (b, v) -> b.eventName((String) v), List.of((Object[]) NAMES)),
            new Filter("eventRW", (b, v) -> b.eventRW((EventRW) v), List.of(EventRW.READ, EventRW.WRITE)),
            new Filter(
                    "eventType",
                    (b, v) -> b.eventType((EventType) v),
                    List.of(EventType.API_CALL, EventType.CONSOLE_OPERATION)),
            new Filter("userName", (b, v) -> b.userName((String) v), List.of((Object[]) USERS)),
            new Filter("principalId", (b, v) -> b.principalId((String) v), List.of("u-alice", "u-bob")),
            new Filter("accessKeyId", (b, v) -> b.accessKeyId((String) v), List.of("AK1", "AK2")),
            new Filter("resourceType", (b, v) -> b.resourceType((String) v), List.of("Order", "Invoice")),
            new Filter("resourceName", (b, v) -> b.resourceName((String) v), List.of((Object[]) RESOURCES)),
            new Filter("serviceName", (b, v) -> b.serviceName((String) v), List.of("orders", "billing")),
            new Filter(
                    "outcome",
                    (b, v) -> b.outcome((Outcome) v),
                    List.of(Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED)),
            new Filter("requestId", (b, v) -> b.requestId((String) v), List.of("r-1", "r-2")),
            new Filter("sourceIpAddress", (b, v) -> b.sourceIpAddress((String) v), List.of("10.0.0.1", "10.0.0.2")));

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
        for (Filter a : ATTRIBUTES) {
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
                Filter a = ATTRIBUTES.get(i);
                Filter b = ATTRIBUTES.get(j);
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

    private static final String[] RICH_NAMES = {"CreateOrder", "DeleteOrder", "GetOrder", "ListOrders", "CreateInvoice"
    };
    private static final String[] ACCOUNTS = {"acme", "globex", "initech"};
    private static final String[] ERRORS = {"CardDeclined", "OutOfStock", "AccessDenied"};
    private static final String[] ADDRESSES = {
        "10.0.0.1",
        "10.0.0.2",
        "10.0.1.7",
        "10.9.3.4",
        "192.168.5.9",
        "2001:db8::1",
        "2001:db8:1::5",
        "2001:dba::9",
        "unknown"
    };

    /**
     * {@code count} events one second apart from {@code start}, drawn from {@code seed}, with every attribute a
     * condition can name: tenants, error codes and messages, categories, primary and referenced resources (sometimes
     * the same one), IPv4 and IPv6 addresses and a value that is no address; each attribute but the category (which the
     * journal fills in) is missing on some.
     */
    private static List<AuditEvent> rich(int count, Instant start, long seed) {
        Random random = new Random(seed);
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            AuditEvent.Builder b = AuditEvent.builder(RICH_NAMES[random.nextInt(RICH_NAMES.length)])
                    .eventId(id(n))
                    .eventTime(start.plusSeconds(n))
                    .serviceName(random.nextBoolean() ? "orders" : "billing");
            // always set: the journal fills in a missing category
            b.eventCategory(random.nextBoolean() ? EventCategory.MANAGEMENT : EventCategory.DATA);
            if (random.nextInt(5) != 0) {
                String user = USERS[random.nextInt(USERS.length)];
                UserIdentity.Builder identity = UserIdentity.builder(UserIdentity.Type.USER)
                        .userName(user)
                        .principalId("u-" + user);
                if (random.nextInt(4) != 0) {
                    identity.accountId(ACCOUNTS[random.nextInt(ACCOUNTS.length)]);
                }
                b.userIdentity(identity.build());
            }
            Outcome outcome = OUTCOMES.get(random.nextInt(OUTCOMES.size()));
            b.outcome(outcome);
            if (outcome != Outcome.SUCCESS) {
                b.errorCode(ERRORS[random.nextInt(ERRORS.length)]);
            }
            String primary = null;
            if (random.nextInt(3) != 0) {
                primary = RESOURCES[random.nextInt(RESOURCES.length)];
                b.resource(random.nextBoolean() ? "Order" : "Invoice", primary);
            }
            int referenced = random.nextInt(4);
            if (referenced == 1 || referenced == 3) {
                b.referencedResource("Customer", "c-" + random.nextInt(3));
            }
            if (referenced >= 2) {
                b.referencedResource("Order", primary != null && random.nextBoolean() ? primary : "o-9");
            }
            if (random.nextInt(5) != 0) {
                b.sourceIpAddress(ADDRESSES[random.nextInt(ADDRESSES.length)]);
            }
            if (random.nextInt(4) != 0) {
                b.requestId(random.nextBoolean() ? "r-1" : "r-2");
            }
            events.add(b.build());
        }
        return events;
    }

    /** Every page of {@code query} with 1,000 events a page, as ids. */
    private static List<String> everything(EventStore store, LookupQuery query) {
        return allPages(
                store, query.toBuilder().maxResults(LookupQuery.MAX_MAX_RESULTS).build());
    }

    /** Asserts that each query finds exactly the events its {@link LookupQuery#matchesAttributes} accepts. */
    private static void assertMatchesOracle(
            EventStore store, List<AuditEvent> events, Instant from, Instant to, List<LookupQuery> queries) {
        for (LookupQuery q : queries) {
            assertThat(everything(store, q)).as(q.conditions() + " " + q.text()).isEqualTo(oracle(events, q, from, to));
        }
    }

    /**
     * Values within a condition combine with OR, prefixes match the start of a value, a negated condition holds when no
     * value matches (also for events without the attribute), and this holds for every attribute kind: the tenant,
     * error codes, categories, event ids, and resources named as primary or as referenced ones.
     */
    @Test
    public void conditionsMatchAnyOfTheirValuesAndPrefixesAndNegationExcludesThem() throws Exception {
        Instant start = base();
        List<AuditEvent> events = rich(200, start, 11);
        EventStore store = createStore(events);
        Instant from = start.minusSeconds(1);
        Instant to = start.plus(Duration.ofHours(1));
        LookupQuery all = LookupQuery.builder().startTime(from).endTime(to).build();
        List<Condition> conditions = List.of(
                Condition.anyOf(Attribute.EVENT_NAME, List.of("CreateOrder", "GetOrder")),
                Condition.startsWith(Attribute.EVENT_NAME, "Create"),
                Condition.builder(Attribute.EVENT_NAME)
                        .value("GetOrder")
                        .prefix("Delete")
                        .prefix("List")
                        .build(),
                Condition.startsWith(Attribute.EVENT_NAME, "Create").negate(),
                Condition.is(Attribute.USER_NAME, "alice").negate(),
                Condition.is(Attribute.ACCOUNT_ID, "acme"),
                Condition.anyOf(Attribute.ACCOUNT_ID, List.of("acme", "initech")),
                Condition.startsWith(Attribute.ACCOUNT_ID, "glo").negate(),
                Condition.is(Attribute.ERROR_CODE, "CardDeclined"),
                Condition.anyOf(Attribute.ERROR_CODE, List.of("OutOfStock", "AccessDenied")),
                Condition.is(Attribute.ERROR_CODE, "OutOfStock").negate(),
                Condition.is(Attribute.EVENT_CATEGORY, EventCategory.MANAGEMENT.wireName()),
                Condition.is(Attribute.EVENT_CATEGORY, EventCategory.DATA.wireName())
                        .negate(),
                Condition.anyOf(Attribute.EVENT_ID, List.of(id(3), id(17), id(140), "ev-none")),
                Condition.startsWith(Attribute.EVENT_ID, "ev-0001"),
                Condition.is(Attribute.OUTCOME, Outcome.SUCCESS.wireName()).negate(),
                Condition.startsWith(Attribute.RESOURCE_TYPE, "Inv"),
                Condition.is(Attribute.REQUEST_ID, "r-1").negate(),
                Condition.is(Attribute.RESOURCE, "Order/o-1"),
                Condition.is(Attribute.RESOURCE, "Customer/c-2"),
                Condition.is(Attribute.RESOURCE, "Order/o-9"),
                Condition.anyOf(Attribute.RESOURCE, List.of("Invoice/o-2", "Customer/c-1")),
                Condition.startsWith(Attribute.RESOURCE, "Order/o-"),
                Condition.startsWith(Attribute.RESOURCE, "Cust"),
                Condition.startsWith(Attribute.RESOURCE, "Order/").negate(),
                Condition.is(Attribute.RESOURCE, "Order/o-3").negate(),
                Condition.is(Attribute.RESOURCE, "Order").negate());
        List<LookupQuery> queries = new ArrayList<>();
        for (Condition c : conditions) {
            queries.add(all.toBuilder().where(c).build());
        }
        queries.add(all.toBuilder()
                .where(Condition.startsWith(Attribute.EVENT_NAME, "Create"))
                .where(Condition.is(Attribute.USER_NAME, "bob").negate())
                .where(Condition.anyOf(Attribute.ACCOUNT_ID, List.of("acme", "globex")))
                .build());
        queries.add(all.toBuilder()
                .where(Condition.is(Attribute.RESOURCE, "Customer/c-0"))
                .where(Condition.is(Attribute.RESOURCE, "Order/o-9").negate())
                .build());
        for (LookupQuery q : queries) {
            if (!q.conditions().get(0).negated()) {
                assertThat(oracle(events, q, from, to))
                        .as("the data covers " + q.conditions())
                        .isNotEmpty();
            }
        }
        assertMatchesOracle(store, events, from, to, queries);

        LookupQuery notAlice = all.toBuilder()
                .where(Condition.is(Attribute.USER_NAME, "alice").negate())
                .build();
        List<String> anonymous = events.stream()
                .filter(e -> e.userIdentity() == null)
                .map(AuditEvent::eventId)
                .toList();
        assertThat(anonymous).isNotEmpty();
        assertThat(everything(store, notAlice))
                .as("events without the attribute meet a negated condition")
                .containsAll(anonymous);
        assertThat(everything(store, all.toBuilder().accountId("acme").build()))
                .as("only the tenant's events")
                .allSatisfy(id -> assertThat(tenant(events, id)).isEqualTo("acme"));
    }

    private static @Nullable String tenant(List<AuditEvent> events, String id) {
        for (AuditEvent e : events) {
            UserIdentity u = e.userIdentity();
            if (e.eventId().equals(id)) {
                return u == null ? null : u.accountId();
            }
        }
        throw new AssertionError("no event " + id);
    }

    /**
     * A resource matches the events that name it as their primary resource (type and name) and those that reference
     * it, and a negated resource condition keeps the events that name it nowhere.
     */
    @Test
    public void resourcesMatchAsPrimaryOrReferenced() throws Exception {
        Instant t = base();
        List<AuditEvent> events = List.of(
                plain(0, t, "CreateOrder").toBuilder().resource("Order", "o-1").build(),
                plain(1, t.plusSeconds(1), "ShipOrder").toBuilder()
                        .resource("Shipment", "s-1")
                        .referencedResource("Order", "o-1")
                        .build(),
                plain(2, t.plusSeconds(2), "CreateOrder").toBuilder()
                        .resource("Order", "o-2")
                        .build(),
                plain(3, t.plusSeconds(3), "Other").toBuilder()
                        .resourceName("o-1")
                        .build(),
                plain(4, t.plusSeconds(4), "Merge").toBuilder()
                        .resource("Order", "o-1")
                        .referencedResource("Order", "o-1")
                        .referencedResource("Order", "o-2")
                        .build());
        EventStore store = createStore(events);

        assertThat(ids(store.lookup(
                        LookupQuery.builder().resource("Order", "o-1").build())))
                .containsExactly(id(4), id(1), id(0));
        assertThat(ids(store.lookup(LookupQuery.timeline("Order", "o-2").build())))
                .as("a timeline: oldest first")
                .containsExactly(id(2), id(4));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .where(Condition.is(Attribute.RESOURCE, "Order/o-1").negate())
                        .build())))
                .containsExactly(id(3), id(2));
        assertThat(ids(store.lookup(LookupQuery.builder()
                        .where(Condition.startsWith(Attribute.RESOURCE, "Order/o"))
                        .build())))
                .containsExactly(id(4), id(2), id(1), id(0));
    }

    /** Source addresses match IPv4 and IPv6 networks and single addresses; a value that is no address matches none. */
    @Test
    public void sourceAddressesMatchNetworks() throws Exception {
        Instant start = base();
        List<AuditEvent> events = rich(150, start, 5);
        EventStore store = createStore(events);
        Instant from = start.minusSeconds(1);
        Instant to = start.plus(Duration.ofHours(1));
        LookupQuery all = LookupQuery.builder().startTime(from).endTime(to).build();
        List<Condition> conditions = List.of(
                Condition.inNetwork("10.0.0.0/24"),
                Condition.inNetwork("10.0.0.0/16"),
                Condition.inNetwork("10.0.0.0/8").negate(),
                Condition.inNetwork("192.168.5.9"),
                Condition.builder(Attribute.SOURCE_IP_ADDRESS)
                        .network("10.0.1.0/24")
                        .network("192.168.0.0/16")
                        .build(),
                Condition.builder(Attribute.SOURCE_IP_ADDRESS)
                        .network("10.9.0.0/16")
                        .value("unknown")
                        .build(),
                Condition.inNetwork("2001:db8::/32"),
                Condition.inNetwork("2001:db8::/48"),
                Condition.inNetwork("2001:db8::/32").negate(),
                Condition.is(Attribute.SOURCE_IP_ADDRESS, "2001:db8::1"));
        List<LookupQuery> queries = new ArrayList<>();
        for (Condition c : conditions) {
            LookupQuery q = all.toBuilder().where(c).build();
            assertThat(oracle(events, q, from, to)).as("the data covers " + c).isNotEmpty();
            queries.add(q);
        }
        assertMatchesOracle(store, events, from, to, queries);
    }

    /**
     * Each phrase of free text must appear, ignoring case, in the event; phrases are matched literally, wildcard
     * characters included.
     */
    @Test
    public void freeTextMatchesEachPhraseIgnoringCase() throws Exception {
        Instant start = base();
        String[] messages = {
            "Card declined by the Zebrabank issuer", "Quokka stock level too low", "retry? in 5*2 seconds", null
        };
        List<AuditEvent> events = new ArrayList<>();
        Random random = new Random(3);
        for (int n = 0; n < 60; n++) {
            String message = messages[random.nextInt(messages.length)];
            AuditEvent.Builder b =
                    plain(n, start.plusSeconds(n), random.nextBoolean() ? "PayOrder" : "ShipOrder").toBuilder();
            if (message != null) {
                b.outcome(Outcome.FAILURE).errorCode("Failed").errorMessage(message);
            }
            events.add(b.build());
        }
        EventStore store = createStore(events);
        Instant from = start.minusSeconds(1);
        Instant to = start.plus(Duration.ofHours(1));
        LookupQuery all = LookupQuery.builder().startTime(from).endTime(to).build();
        List<LookupQuery> queries = List.of(
                all.toBuilder().text("zebrabank").build(),
                all.toBuilder().text("QUOKKA STOCK").build(),
                all.toBuilder().text("card declined").text("ISSUER").build(),
                all.toBuilder().text("zebrabank").text("quokka").build(),
                all.toBuilder().text("5*2").build(),
                all.toBuilder().text("y? in").build(),
                all.toBuilder().text("5?2").build(),
                all.toBuilder().text("quokka").eventName("PayOrder").build());
        for (LookupQuery q : queries.subList(0, 3)) {
            assertThat(oracle(events, q, from, to))
                    .as("the data covers " + q.text())
                    .isNotEmpty();
        }
        assertMatchesOracle(store, events, from, to, queries);
    }

    /** Oldest first, paging with any page size visits every matching event exactly once, in ascending time. */
    @Test
    public void oldestFirstPagingVisitsEveryMatchingEventExactlyOnce() throws Exception {
        Instant start = base();
        List<AuditEvent> events = rich(150, start, 9);
        EventStore store = createStore(events);
        Instant from = start.plusSeconds(10);
        Instant to = start.plusSeconds(140);
        LookupQuery query = LookupQuery.builder()
                .where(Condition.startsWith(Attribute.EVENT_NAME, "Create").negate())
                .order(LookupQuery.Order.OLDEST_FIRST)
                .startTime(from)
                .endTime(to)
                .build();
        List<String> expected = new ArrayList<>(oracle(events, query, from, to));
        Collections.reverse(expected);
        assertThat(expected).hasSizeGreaterThan(30);

        for (int pageSize : new int[] {1, 7, 10, expected.size(), expected.size() + 1}) {
            assertThat(allPages(store, query.toBuilder().maxResults(pageSize).build()))
                    .as("pages of " + pageSize)
                    .isEqualTo(expected);
        }
        LookupResult first = store.lookup(query.toBuilder().maxResults(5).build());
        assertThat(ids(first)).isEqualTo(expected.subList(0, 5));
        assertThat(ids(store.lookup(query.toBuilder()
                        .maxResults(20)
                        .nextToken(first.nextToken())
                        .build())))
                .isEqualTo(expected.subList(5, 25));
    }

    /** A token issued for one order is refused for the other, and for other conditions or text. */
    @Test
    public void rejectsTokensUsedWithAnotherOrderOrOtherConditions() throws Exception {
        Instant t = base();
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            events.add(plain(n, t.plusSeconds(n), "E"));
        }
        EventStore store = createStore(events);
        LookupQuery.Builder base = LookupQuery.builder()
                .where(Condition.anyOf(Attribute.EVENT_NAME, List.of("E", "F")))
                .startTime(t.minusSeconds(60))
                .maxResults(2);
        for (LookupQuery.Order order : LookupQuery.Order.values()) {
            LookupQuery q = base.order(order).build();
            String token = store.lookup(q).nextToken();
            assertThat(token).isNotNull();
            LookupQuery.Order other = order == LookupQuery.Order.NEWEST_FIRST
                    ? LookupQuery.Order.OLDEST_FIRST
                    : LookupQuery.Order.NEWEST_FIRST;
            for (LookupQuery wrong : List.of(
                    q.toBuilder().order(other).nextToken(token).build(),
                    q.toBuilder().text("x").nextToken(token).build(),
                    q.toBuilder()
                            .where(Condition.is(Attribute.USER_NAME, "alice").negate())
                            .nextToken(token)
                            .build(),
                    q.toBuilder()
                            .clear(Attribute.EVENT_NAME)
                            .where(Condition.anyOf(Attribute.EVENT_NAME, List.of("E", "G")))
                            .nextToken(token)
                            .build())) {
                assertThatThrownBy(() -> store.lookup(wrong))
                        .as(order + " token with " + wrong)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(store.lookup(q.toBuilder().nextToken(token).build()).events())
                    .hasSize(2);
        }
    }

    /**
     * A histogram counts the matching events, failures and denials of each bucket; buckets are aligned on multiples of
     * their size, span the range and include the empty ones, and their counts add up to the events matched.
     */
    @Test
    public void histogramCountsEventsFailuresAndDenialsPerBucketIncludingEmptyOnes() throws Exception {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
        Random random = new Random(17);
        List<AuditEvent> events = new ArrayList<>();
        Instant time = hour.plusMillis(250);
        for (int n = 0; time.isBefore(hour.plus(Duration.ofMinutes(40))); n++) {
            AuditEvent.Builder b = AuditEvent.builder(random.nextBoolean() ? "CreateOrder" : "GetOrder")
                    .eventId(id(n))
                    .eventTime(time)
                    .userIdentity(UserIdentity.user("u-1", USERS[random.nextInt(USERS.length)]));
            int outcome = random.nextInt(4);
            if (outcome < 3) {
                b.outcome(OUTCOMES.get(outcome));
            }
            events.add(b.build());
            time = time.plusSeconds(5 + random.nextInt(40));
            if (time.isAfter(hour.plus(Duration.ofMinutes(12))) && time.isBefore(hour.plus(Duration.ofMinutes(19)))) {
                time = hour.plus(Duration.ofMinutes(19)).plusMillis(3);
            }
        }
        EventStore store = createStore(events);

        Instant from = hour.plusSeconds(30).plusMillis(1);
        Instant to = hour.plus(Duration.ofMinutes(37)).plusNanos(500_000);
        LookupQuery all = LookupQuery.builder().startTime(from).endTime(to).build();
        for (LookupQuery q : List.of(
                all,
                all.toBuilder().eventName("CreateOrder").build(),
                all.toBuilder()
                        .where(Condition.is(Attribute.USER_NAME, "bob").negate())
                        .build())) {
            for (Duration size : List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1))) {
                AggregationResult result = store.aggregate(Aggregation.histogram(q, size));
                List<AggregationResult.Bucket> expected = expectedBuckets(events, q, from, to, size);
                assertThat(result.buckets()).as(q.conditions() + " by " + size).isEqualTo(expected);
                assertThat(result.matched())
                        .isEqualTo(oracle(events, q, from, to).size())
                        .isEqualTo(expected.stream()
                                .mapToLong(AggregationResult.Bucket::count)
                                .sum());
                assertThat(result.top()).isEmpty();
            }
        }
        List<AggregationResult.Bucket> minutes = store.aggregate(Aggregation.histogram(all, Duration.ofMinutes(1)))
                .buckets();
        assertThat(minutes.get(0).start()).isEqualTo(hour);
        assertThat(minutes).hasSize(38);
        assertThat(minutes.stream().filter(b -> b.count() == 0))
                .as("empty buckets")
                .hasSizeGreaterThanOrEqualTo(5);
        assertThat(minutes.stream()
                        .mapToLong(AggregationResult.Bucket::failures)
                        .sum())
                .isPositive();
        assertThat(minutes.stream().mapToLong(AggregationResult.Bucket::denials).sum())
                .isPositive();

        AggregationResult open = store.aggregate(
                Aggregation.histogram(LookupQuery.builder().startTime(from).build(), Duration.ofHours(1)));
        assertThat(open.matched())
                .as("no end: up to now")
                .isEqualTo(oracle(events, all, from, Instant.MAX).size());
        assertThat(open.buckets().get(0).start()).isEqualTo(hour);
        assertThat(open.buckets().get(open.buckets().size() - 1).start())
                .as("the last bucket holds now")
                .isBetween(Instant.now().minus(Duration.ofHours(2)), Instant.now());
        assertThat(open.buckets().stream()
                        .mapToLong(AggregationResult.Bucket::count)
                        .sum())
                .isEqualTo(open.matched());

        AggregationResult none = store.aggregate(
                Aggregation.histogram(all.toBuilder().eventName("Nothing").build(), Duration.ofMinutes(5)));
        assertThat(none.matched()).isZero();
        assertThat(none.buckets()).hasSize(8).allSatisfy(b -> assertThat(b.count())
                .isZero());

        assertThatThrownBy(() -> store.aggregate(Aggregation.histogram(
                        LookupQuery.builder()
                                .startTime(hour.minus(Duration.ofDays(30)))
                                .endTime(hour)
                                .build(),
                        Duration.ofMinutes(1))))
                .as("too many buckets")
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** What a histogram of {@code query} should answer, from the events themselves. */
    private static List<AggregationResult.Bucket> expectedBuckets(
            List<AuditEvent> events, LookupQuery query, Instant from, Instant to, Duration size) {
        long millis = size.toMillis();
        long first = Math.floorDiv(ceilMillis(from), millis) * millis;
        int count = (int) (Math.floorDiv(ceilMillis(to) - 1 - first, millis) + 1);
        long[][] counts = new long[3][count];
        for (AuditEvent e : events) {
            if (!e.eventTime().isBefore(from) && e.eventTime().isBefore(to) && query.matchesAttributes(e)) {
                int b = (int) ((e.eventTime().toEpochMilli() - first) / millis);
                counts[0][b]++;
                if (e.outcome() == Outcome.FAILURE) {
                    counts[1][b]++;
                } else if (e.outcome() == Outcome.DENIED) {
                    counts[2][b]++;
                }
            }
        }
        List<AggregationResult.Bucket> buckets = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            buckets.add(new AggregationResult.Bucket(
                    Instant.ofEpochMilli(first + b * millis), counts[0][b], counts[1][b], counts[2][b]));
        }
        return buckets;
    }

    private static long ceilMillis(Instant t) {
        long millis = t.toEpochMilli();
        return Instant.ofEpochMilli(millis).equals(t) ? millis : millis + 1;
    }

    /**
     * Top-N counts the values of an attribute among the matching events, most frequent first, ties by value; an event
     * naming several resources counts once for each, and once for a resource it names twice.
     */
    @Test
    public void topCountsTheMostFrequentValuesTiesByValue() throws Exception {
        Instant start = base();
        List<AuditEvent> events = rich(200, start, 23);
        EventStore store = createStore(events);
        Instant from = start.minusSeconds(1);
        Instant to = start.plus(Duration.ofHours(1));
        LookupQuery all = LookupQuery.builder().startTime(from).endTime(to).build();
        LookupQuery failures = all.toBuilder()
                .where(Condition.is(Attribute.OUTCOME, Outcome.SUCCESS.wireName())
                        .negate())
                .build();
        for (LookupQuery q : List.of(all, failures)) {
            for (Attribute attribute : List.of(
                    Attribute.USER_NAME,
                    Attribute.EVENT_NAME,
                    Attribute.ACCOUNT_ID,
                    Attribute.ERROR_CODE,
                    Attribute.SOURCE_IP_ADDRESS,
                    Attribute.RESOURCE)) {
                for (int n : new int[] {1, 2, 3, 100}) {
                    AggregationResult result = store.aggregate(Aggregation.top(q, attribute, n));
                    assertThat(result.top())
                            .as(q.conditions() + " top " + n + " by " + attribute)
                            .isEqualTo(expectedTop(events, q, from, to, attribute, n));
                    assertThat(result.matched())
                            .isEqualTo(oracle(events, q, from, to).size());
                    assertThat(result.buckets()).isEmpty();
                }
            }
        }
        AggregationResult both = store.aggregate(
                Aggregation.histogram(all, Duration.ofMinutes(1)).withTop(Attribute.RESOURCE, 5));
        assertThat(both.top()).isEqualTo(expectedTop(events, all, from, to, Attribute.RESOURCE, 5));
        assertThat(both.buckets().stream()
                        .mapToLong(AggregationResult.Bucket::count)
                        .sum())
                .isEqualTo(both.matched())
                .isEqualTo(200);
    }

    /** Ties are broken by value, and an event naming one resource as primary and as referenced counts once. */
    @Test
    public void topBreaksTiesByValueAndCountsAResourceOncePerEvent() throws Exception {
        Instant t = base();
        String[] users = {"carol", "bob", "dave", "alice", "carol", "dave", "bob"};
        List<AuditEvent> events = new ArrayList<>();
        for (int n = 0; n < users.length; n++) {
            events.add(AuditEvent.builder("E")
                    .eventId(id(n))
                    .eventTime(t.plusSeconds(n))
                    .userIdentity(UserIdentity.user("u-" + users[n], users[n]))
                    .resource("Order", "o-" + (n % 2))
                    .referencedResource("Order", "o-0")
                    .build());
        }
        EventStore store = createStore(events);
        LookupQuery q = LookupQuery.builder().startTime(t.minusSeconds(1)).build();

        assertThat(store.aggregate(Aggregation.top(q, Attribute.USER_NAME, 2)).top())
                .containsExactly(
                        new AggregationResult.ValueCount("bob", 2), new AggregationResult.ValueCount("carol", 2));
        assertThat(store.aggregate(Aggregation.top(q, Attribute.USER_NAME, 10)).top())
                .containsExactly(
                        new AggregationResult.ValueCount("bob", 2),
                        new AggregationResult.ValueCount("carol", 2),
                        new AggregationResult.ValueCount("dave", 2),
                        new AggregationResult.ValueCount("alice", 1));
        assertThat(store.aggregate(Aggregation.top(q, Attribute.RESOURCE, 10)).top())
                .containsExactly(
                        new AggregationResult.ValueCount("Order/o-0", 7),
                        new AggregationResult.ValueCount("Order/o-1", 3));
        assertThat(store.aggregate(Aggregation.top(q.toBuilder().eventName("F").build(), Attribute.USER_NAME, 10)))
                .isEqualTo(new AggregationResult(0, List.of(), List.of()));
    }

    /** What a top-N of {@code query} should answer, from the events themselves. */
    private static List<AggregationResult.ValueCount> expectedTop(
            List<AuditEvent> events, LookupQuery query, Instant from, Instant to, Attribute attribute, int n) {
        Map<String, Long> counts = new HashMap<>();
        for (AuditEvent e : events) {
            if (!e.eventTime().isBefore(from) && e.eventTime().isBefore(to) && query.matchesAttributes(e)) {
                for (String v : new HashSet<>(attribute.valuesOf(e))) {
                    counts.merge(v, 1L, Long::sum);
                }
            }
        }
        return counts.entrySet().stream()
                .map(e -> new AggregationResult.ValueCount(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(AggregationResult.ValueCount::count)
                        .reversed()
                        .thenComparing(AggregationResult.ValueCount::value))
                .limit(n)
                .toList();
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
