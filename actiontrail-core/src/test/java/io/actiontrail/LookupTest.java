package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lookup over the journal, on the memory journal and on the disk journal: every attribute filter alone and combined,
 * the time range and its defaults, page sizes, paging exactly once while events arrive, bad queries, read-your-writes
 * and a restart. {@code LookupIT} does the same at scale against a brute-force oracle.
 */
class LookupTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    @TempDir
    Path dataDir;

    @TempDir
    Path otherDir;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<ActionTrail> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(a -> a.close(Duration.ofSeconds(5)));
    }

    // ---------------------------------------------------------------- fixtures

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            now.updateAndGet(t -> t.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test clock is UTC");
        }

        @Override
        public Instant instant() {
            return Objects.requireNonNull(now.get());
        }
    }

    private ActionTrail start(Durability durability) {
        return start(durability, dataDir, Duration.ofDays(90));
    }

    private ActionTrail start(Durability durability, Path dir, Duration retention) {
        ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .shutdownHook(false)
                .clock(clock)
                .durability(durability)
                .dataDir(dir)
                .retention(retention)
                .build();
        opened.add(actionTrail);
        return actionTrail;
    }

    /** The attributes of one recorded event, as the oracle sees them. */
    private record Spec(
            int n,
            Instant time,
            String eventName,
            EventRW eventRW,
            EventType eventType,
            @Nullable String userName,
            @Nullable String principalId,
            @Nullable String accessKeyId,
            @Nullable String resourceType,
            @Nullable String resourceName,
            String serviceName,
            Outcome outcome,
            @Nullable String requestId,
            @Nullable String sourceIpAddress) {

        String id() {
            return "ev-" + n;
        }

        AuditEvent toEvent() {
            return AuditEvent.builder(eventName)
                    .eventId(id())
                    .eventTime(time)
                    .eventRW(eventRW)
                    .eventType(eventType)
                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                            .userName(userName)
                            .principalId(principalId)
                            .accessKeyId(accessKeyId)
                            .build())
                    .resource(resourceType, resourceName)
                    .serviceName(serviceName)
                    .outcome(outcome)
                    .requestId(requestId)
                    .sourceIpAddress(sourceIpAddress)
                    .build();
        }
    }

    private interface Getter {
        @Nullable
        Object get(Spec spec);
    }

    private interface Setter {
        void set(LookupQuery.Builder builder, Object value);
    }

    /** One filterable attribute: how to read it from a spec, how to set it on a query, the values events take. */
    private record Attribute(String name, Getter getter, Setter setter, List<Object> values, boolean nullable) {}

    private static final List<Attribute> ATTRIBUTES = List.of(
            new Attribute(
                    "eventName",
                    Spec::eventName,
                    (b, v) -> b.eventName((String) v),
                    List.of("CreateOrder", "DeleteOrder", "GetOrder"),
                    false),
            new Attribute(
                    "eventRW",
                    Spec::eventRW,
                    (b, v) -> b.eventRW((EventRW) v),
                    List.of(EventRW.READ, EventRW.WRITE),
                    false),
            new Attribute(
                    "eventType",
                    Spec::eventType,
                    (b, v) -> b.eventType((EventType) v),
                    List.of(EventType.API_CALL, EventType.CONSOLE_OPERATION, EventType.SERVICE_EVENT),
                    false),
            new Attribute("userName", Spec::userName, (b, v) -> b.userName((String) v), List.of("alice", "bob"), true),
            new Attribute(
                    "principalId",
                    Spec::principalId,
                    (b, v) -> b.principalId((String) v),
                    List.of("u-1", "u-2", "u-3"),
                    true),
            new Attribute(
                    "accessKeyId", Spec::accessKeyId, (b, v) -> b.accessKeyId((String) v), List.of("AK1", "AK2"), true),
            new Attribute(
                    "resourceType",
                    Spec::resourceType,
                    (b, v) -> b.resourceType((String) v),
                    List.of("Order", "Invoice"),
                    true),
            new Attribute(
                    "resourceName",
                    Spec::resourceName,
                    (b, v) -> b.resourceName((String) v),
                    List.of("o-1", "o-2", "o-3"),
                    true),
            new Attribute(
                    "serviceName",
                    Spec::serviceName,
                    (b, v) -> b.serviceName((String) v),
                    List.of("orders", "billing"),
                    false),
            new Attribute(
                    "outcome",
                    Spec::outcome,
                    (b, v) -> b.outcome((Outcome) v),
                    List.of(Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED),
                    false),
            new Attribute(
                    "requestId",
                    Spec::requestId,
                    (b, v) -> b.requestId((String) v),
                    List.of("r-1", "r-2", "r-3"),
                    true),
            new Attribute(
                    "sourceIpAddress",
                    Spec::sourceIpAddress,
                    (b, v) -> b.sourceIpAddress((String) v),
                    List.of("10.0.0.1", "10.0.0.2"),
                    true));

    private static Object pick(Random random, Attribute attribute) {
        return attribute.values().get(random.nextInt(attribute.values().size()));
    }

    private static @Nullable String maybe(Random random, int index) {
        Attribute attribute = ATTRIBUTES.get(index);
        // a quarter of the nullable attributes are absent: a filter on a value never matches an absent one
        if (attribute.nullable() && random.nextInt(4) == 0) {
            return null;
        }
        return (String) pick(random, attribute);
    }

    private static Spec randomSpec(int n, Random random, Instant time) {
        return new Spec(
                n,
                time,
                (String) pick(random, ATTRIBUTES.get(0)),
                (EventRW) pick(random, ATTRIBUTES.get(1)),
                (EventType) pick(random, ATTRIBUTES.get(2)),
                maybe(random, 3),
                maybe(random, 4),
                maybe(random, 5),
                maybe(random, 6),
                maybe(random, 7),
                (String) pick(random, ATTRIBUTES.get(8)),
                (Outcome) pick(random, ATTRIBUTES.get(9)),
                maybe(random, 10),
                maybe(random, 11));
    }

    private static Spec plain(int n, Instant time, String eventName) {
        return new Spec(
                n,
                time,
                eventName,
                EventRW.WRITE,
                EventType.API_CALL,
                "alice",
                "u-1",
                null,
                "Order",
                "o-" + n,
                "svc",
                Outcome.SUCCESS,
                "r-" + n,
                "10.0.0.1");
    }

    private static List<Spec> recordAll(ActionTrail actionTrail, List<Spec> specs) {
        specs.forEach(s -> actionTrail.record(s.toEvent()));
        return specs;
    }

    /** The ids the oracle expects: the specs matching every filter within [from, to), newest recorded first. */
    private static List<String> oracle(
            List<Spec> specs, List<Attribute> attributes, List<Object> values, Instant from, Instant to) {
        List<String> ids = new ArrayList<>();
        for (int i = specs.size() - 1; i >= 0; i--) {
            Spec spec = specs.get(i);
            if (spec.time().isBefore(from) || !spec.time().isBefore(to)) {
                continue;
            }
            boolean all = true;
            for (int a = 0; a < attributes.size(); a++) {
                all &= values.get(a).equals(attributes.get(a).getter().get(spec));
            }
            if (all) {
                ids.add(spec.id());
            }
        }
        return ids;
    }

    /** The query for the page after {@code page}, which must have a next page. */
    private static LookupQuery nextPage(LookupQuery query, LookupResult page) {
        return Objects.requireNonNull(query.next(page), "the page has no next page");
    }

    private static List<String> ids(LookupResult result) {
        return result.events().stream().map(AuditEvent::eventId).toList();
    }

    /** Fetches every page of the query; fails if an event appears twice. */
    private static List<String> allPages(ActionTrail actionTrail, LookupQuery query) {
        List<String> ids = new ArrayList<>();
        @Nullable LookupQuery next = query;
        int pages = 0;
        while (next != null) {
            LookupResult page = actionTrail.lookup(next);
            assertThat(page.events()).hasSizeLessThanOrEqualTo(query.maxResults());
            if (page.hasNextPage()) {
                assertThat(page.events()).hasSize(query.maxResults());
            }
            ids.addAll(ids(page));
            next = next.next(page);
            assertThat(++pages).as("pages").isLessThan(100_000);
        }
        assertThat(new HashSet<>(ids)).as("no event on two pages").hasSameSizeAs(ids);
        return ids;
    }

    private static LookupQuery query(List<Attribute> attributes, List<Object> values, Instant from, Instant to) {
        LookupQuery.Builder b =
                LookupQuery.builder().startTime(from).endTime(to).maxResults(LookupQuery.MAX_MAX_RESULTS);
        for (int a = 0; a < attributes.size(); a++) {
            attributes.get(a).setter().set(b, values.get(a));
        }
        return b.build();
    }

    // ---------------------------------------------------------------- filters

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void eachAttributeAloneEveryPairAndWiderCombinationsMatchExactlyWhatTheOracleExpects(Durability durability) {
        ActionTrail actionTrail = start(durability);
        Random random = new Random(42);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 400; n++) {
            // non-monotonic event times within the last hours
            specs.add(randomSpec(n, random, NOW.minusSeconds(4 * 3600 - 30L * n + random.nextInt(600))));
        }
        recordAll(actionTrail, specs);
        Instant from = NOW.minus(Duration.ofDays(1));
        Instant to = NOW.plus(Duration.ofDays(1));

        List<String> everything = oracle(specs, List.of(), List.of(), from, to);
        assertThat(everything).hasSize(400);
        assertThat(allPages(actionTrail, query(List.of(), List.of(), from, to))).isEqualTo(everything);

        int queries = 0;
        for (Attribute attribute : ATTRIBUTES) {
            for (Object value : attribute.values()) {
                List<String> expected = oracle(specs, List.of(attribute), List.of(value), from, to);
                assertThat(expected).as(attribute.name() + "=" + value).isNotEmpty();
                assertThat(ids(actionTrail.lookup(query(List.of(attribute), List.of(value), from, to))))
                        .as(attribute.name() + "=" + value)
                        .isEqualTo(expected);
                queries++;
            }
        }
        for (int i = 0; i < ATTRIBUTES.size(); i++) {
            for (int j = i + 1; j < ATTRIBUTES.size(); j++) {
                Attribute a = ATTRIBUTES.get(i);
                Attribute b = ATTRIBUTES.get(j);
                for (Object va : a.values()) {
                    for (Object vb : b.values()) {
                        List<Attribute> attributes = List.of(a, b);
                        List<Object> values = List.of(va, vb);
                        assertThat(ids(actionTrail.lookup(query(attributes, values, from, to))))
                                .as(a.name() + "=" + va + " AND " + b.name() + "=" + vb)
                                .isEqualTo(oracle(specs, attributes, values, from, to));
                        queries++;
                    }
                }
            }
        }
        for (int q = 0; q < 200; q++) {
            // 3 to 12 attributes, half of them with the values of a recorded event so that some match
            List<Attribute> attributes = new ArrayList<>(ATTRIBUTES);
            Collections.shuffle(attributes, random);
            attributes = attributes.subList(0, 3 + random.nextInt(ATTRIBUTES.size() - 2));
            Spec model = specs.get(random.nextInt(specs.size()));
            List<Object> values = new ArrayList<>();
            for (Attribute attribute : attributes) {
                @Nullable Object value = q % 2 == 0 ? attribute.getter().get(model) : null;
                values.add(value != null ? value : pick(random, attribute));
            }
            Instant start = NOW.minusSeconds(5 * 3600 - random.nextInt(5 * 3600));
            Instant end = start.plusSeconds(random.nextInt(5 * 3600));
            List<String> expected = oracle(specs, attributes, values, start, end);
            assertThat(ids(actionTrail.lookup(query(attributes, values, start, end))))
                    .as(
                            "%s = %s in [%s, %s)",
                            attributes.stream().map(Attribute::name).toList(), values, start, end)
                    .isEqualTo(expected);
            queries++;
        }
        assertThat(queries).isGreaterThan(600);
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void combinesFiltersWithAnd(Durability durability) {
        ActionTrail actionTrail = start(durability);
        Instant t = NOW.minusSeconds(60);
        actionTrail.record(AuditEvent.builder("CreateOrder")
                .eventId("alice-create")
                .eventTime(t)
                .userIdentity(UserIdentity.user("u-1", "alice"))
                .build());
        actionTrail.record(AuditEvent.builder("DeleteOrder")
                .eventId("alice-delete")
                .eventTime(t)
                .userIdentity(UserIdentity.user("u-1", "alice"))
                .build());
        actionTrail.record(AuditEvent.builder("CreateOrder")
                .eventId("bob-create")
                .eventTime(t)
                .userIdentity(UserIdentity.user("u-2", "bob"))
                .build());
        actionTrail.record(AuditEvent.builder("CreateOrder")
                .eventId("nobody-create")
                .eventTime(t)
                .build());

        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .eventName("CreateOrder")
                        .userName("alice")
                        .build())))
                .containsExactly("alice-create");
        assertThat(ids(actionTrail.lookup(
                        LookupQuery.builder().eventName("CreateOrder").build())))
                .containsExactly("nobody-create", "bob-create", "alice-create");
        assertThat(ids(actionTrail.lookup(
                        LookupQuery.builder().userName("alice").build())))
                .containsExactly("alice-delete", "alice-create");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .eventName("DeleteOrder")
                        .userName("bob")
                        .build())))
                .isEmpty();
        assertThat(ids(actionTrail.lookup(
                        LookupQuery.builder().userName("Alice").build())))
                .as("matching is case-sensitive")
                .isEmpty();
    }

    // ---------------------------------------------------------------- time range

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void startTimeIsInclusiveAndEndTimeIsExclusive(Durability durability) {
        ActionTrail actionTrail = start(durability);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            specs.add(plain(n, NOW.minusSeconds(10 - n), "E"));
        }
        recordAll(actionTrail, specs);

        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(NOW.minusSeconds(8))
                        .endTime(NOW.minusSeconds(5))
                        .build())))
                .containsExactly("ev-4", "ev-3", "ev-2");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(NOW.minusSeconds(8).minusMillis(1))
                        .endTime(NOW.minusSeconds(5).plusMillis(1))
                        .build())))
                .containsExactly("ev-5", "ev-4", "ev-3", "ev-2");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(NOW.minusSeconds(8).plusMillis(1))
                        .endTime(NOW.minusSeconds(5).minusMillis(1))
                        .build())))
                .containsExactly("ev-4", "ev-3");
        assertThat(ids(actionTrail.lookup(
                        LookupQuery.builder().startTime(NOW.minusSeconds(1)).build())))
                .as("start at the newest event: the upper end of the time index")
                .containsExactly("ev-9");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(NOW.minusSeconds(60))
                        .endTime(NOW.minusSeconds(10).plusMillis(1))
                        .build())))
                .as("end just after the oldest event: the lower end of the time index")
                .containsExactly("ev-0");
        LookupResult empty = actionTrail.lookup(LookupQuery.builder()
                .startTime(NOW.minusSeconds(8))
                .endTime(NOW.minusSeconds(8))
                .build());
        assertThat(empty.events()).isEmpty();
        assertThat(empty.hasNextPage()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void boundsBetweenTwoMillisecondsCompareWithTheExactInstant(Durability durability) {
        ActionTrail actionTrail = start(durability);
        Instant t = NOW.minusSeconds(5); // event times are whole milliseconds
        recordAll(actionTrail, List.of(plain(0, t, "E")));
        Duration halfMilli = Duration.ofNanos(500_000);

        assertThat(ids(actionTrail.lookup(
                        LookupQuery.builder().startTime(t.minus(halfMilli)).build())))
                .as("start half a millisecond before the event")
                .containsExactly("ev-0");
        assertThat(ids(actionTrail.lookup(
                        LookupQuery.builder().startTime(t.plus(halfMilli)).build())))
                .as("start half a millisecond after the event")
                .isEmpty();
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(t.minusSeconds(1))
                        .endTime(t.plus(halfMilli))
                        .build())))
                .as("end half a millisecond after the event")
                .containsExactly("ev-0");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(t.minusSeconds(1))
                        .endTime(t.minus(halfMilli))
                        .build())))
                .as("end half a millisecond before the event")
                .isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void boundsAtTheEndsOfTimeMeanNoBound(Durability durability) {
        ActionTrail actionTrail = start(durability);
        recordAll(actionTrail, List.of(plain(0, NOW.minusSeconds(5), "E"), plain(1, NOW.plusSeconds(5), "E")));

        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(Instant.MIN)
                        .endTime(Instant.MAX)
                        .build())))
                .containsExactly("ev-1", "ev-0");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(Instant.MAX)
                        .endTime(Instant.MAX)
                        .build())))
                .isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void withoutStartTimeLooksBackSevenDaysByTheClockWithoutAnUpperBound(Durability durability) {
        ActionTrail actionTrail = start(durability);
        Duration week = LookupQuery.DEFAULT_RANGE;
        recordAll(
                actionTrail,
                List.of(
                        plain(0, NOW.minus(Duration.ofDays(8)), "E"),
                        plain(1, NOW.minus(week).minusMillis(1), "E"),
                        plain(2, NOW.minus(week), "E"),
                        plain(3, NOW.minus(Duration.ofDays(3)), "E"),
                        plain(4, NOW, "E"),
                        plain(5, NOW.plus(Duration.ofHours(1)), "E")));

        assertThat(ids(actionTrail.lookup(LookupQuery.builder().build())))
                .containsExactly("ev-5", "ev-4", "ev-3", "ev-2");

        clock.advance(Duration.ofDays(2)); // the window follows the clock
        assertThat(ids(actionTrail.lookup(LookupQuery.builder().build()))).containsExactly("ev-5", "ev-4", "ev-3");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .endTime(NOW.plus(Duration.ofDays(2)))
                        .build())))
                .as("an endTime alone keeps the default start")
                .containsExactly("ev-5", "ev-4", "ev-3");
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void neverLooksFurtherBackThanTheRetention(Durability durability) {
        Duration retention = Duration.ofDays(2);
        ActionTrail actionTrail = start(durability, dataDir, retention);
        recordAll(
                actionTrail,
                List.of(
                        plain(0, NOW.minus(Duration.ofDays(3)), "E"),
                        plain(1, NOW.minus(retention).minusMillis(1), "E"),
                        plain(2, NOW.minus(retention), "E"),
                        plain(3, NOW.minus(Duration.ofHours(1)), "E")));

        assertThat(ids(actionTrail.lookup(LookupQuery.builder().build())))
                .as("the default 7 days, clamped to the 2 days of retention")
                .containsExactly("ev-3", "ev-2");
        assertThat(ids(actionTrail.lookup(LookupQuery.builder()
                        .startTime(NOW.minus(Duration.ofDays(10)))
                        .build())))
                .as("an explicit startTime before the retention")
                .containsExactly("ev-3", "ev-2");
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void laterPagesKeepTheTimeRangeOfTheFirstPageWhileTheClockMoves(Durability durability) {
        ActionTrail actionTrail = start(durability);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            specs.add(plain(n, NOW.minus(Duration.ofDays(6)).plus(Duration.ofHours(n)), "E"));
        }
        recordAll(actionTrail, specs);
        LookupQuery first = LookupQuery.builder().maxResults(2).build();
        LookupResult page = actionTrail.lookup(first);
        assertThat(ids(page)).containsExactly("ev-4", "ev-3");

        clock.advance(Duration.ofDays(3)); // a fresh default window would now start after every event
        assertThat(actionTrail.lookup(first).events()).isEmpty();
        List<String> rest = new ArrayList<>();
        @Nullable LookupQuery next = first.next(page);
        while (next != null) {
            LookupResult more = actionTrail.lookup(next);
            rest.addAll(ids(more));
            next = next.next(more);
        }
        assertThat(rest).containsExactly("ev-2", "ev-1", "ev-0");
    }

    // ---------------------------------------------------------------- page size and paging

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void pagesHoldFiftyEventsByDefaultAndAtMostMaxResults(Durability durability) {
        ActionTrail actionTrail = start(durability);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 1001; n++) {
            specs.add(plain(n, NOW.minusSeconds(2000 - n), n < 120 ? "Few" : "Many"));
        }
        recordAll(actionTrail, specs);

        LookupQuery few = LookupQuery.builder().eventName("Few").build();
        assertThat(few.maxResults()).isEqualTo(LookupQuery.DEFAULT_MAX_RESULTS).isEqualTo(50);
        LookupResult first = actionTrail.lookup(few);
        assertThat(first.events()).hasSize(50);
        assertThat(first.hasNextPage()).isTrue();
        LookupQuery second = nextPage(few, first);
        LookupResult page2 = actionTrail.lookup(second);
        assertThat(page2.events()).hasSize(50);
        LookupQuery third = nextPage(second, page2);
        LookupResult page3 = actionTrail.lookup(third);
        assertThat(page3.events()).hasSize(20);
        assertThat(page3.nextToken()).isNull();
        assertThat(third.next(page3)).isNull();

        LookupResult thousand = actionTrail.lookup(
                LookupQuery.builder().maxResults(LookupQuery.MAX_MAX_RESULTS).build());
        assertThat(thousand.events()).hasSize(1000);
        assertThat(ids(thousand).get(0)).isEqualTo("ev-1000");
        assertThat(thousand.hasNextPage()).isTrue();
        LookupResult last = actionTrail.lookup(LookupQuery.builder()
                .maxResults(1000)
                .nextToken(thousand.nextToken())
                .build());
        assertThat(ids(last)).containsExactly("ev-0");
        assertThat(last.hasNextPage()).isFalse();

        LookupResult one =
                actionTrail.lookup(LookupQuery.builder().maxResults(1).build());
        assertThat(ids(one)).containsExactly("ev-1000");
        assertThat(one.hasNextPage()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void pagingVisitsEveryMatchingEventExactlyOnceNewestFirst(Durability durability) {
        ActionTrail actionTrail = start(durability);
        Random random = new Random(7);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 600; n++) {
            specs.add(randomSpec(n, random, NOW.minusSeconds(3600 - 5L * n + random.nextInt(120))));
        }
        recordAll(actionTrail, specs);
        Attribute rw = ATTRIBUTES.get(1);
        Instant from = NOW.minusSeconds(3000);
        Instant to = NOW.minusSeconds(600);
        List<String> expected = oracle(specs, List.of(rw), List.of(EventRW.READ), from, to);
        assertThat(expected).hasSizeGreaterThan(100);

        for (int pageSize : new int[] {1, 7, 10, 50, expected.size(), expected.size() + 1}) {
            LookupQuery q = LookupQuery.builder()
                    .eventRW(EventRW.READ)
                    .startTime(from)
                    .endTime(to)
                    .maxResults(pageSize)
                    .build();
            assertThat(allPages(actionTrail, q)).as("pages of " + pageSize).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void aPageThatEndsAtTheLastMatchHasNoToken(Durability durability) {
        ActionTrail actionTrail = start(durability);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            specs.add(plain(n, NOW.minusSeconds(100 - n), n % 4 == 3 ? "Other" : "E"));
        }
        recordAll(actionTrail, specs);
        LookupQuery q = LookupQuery.builder().eventName("E").maxResults(10).build();
        LookupResult page1 = actionTrail.lookup(q);
        LookupQuery q2 = nextPage(q, page1);
        LookupResult page2 = actionTrail.lookup(q2);
        LookupQuery q3 = nextPage(q2, page2);
        LookupResult page3 = actionTrail.lookup(q3);
        assertThat(page3.events()).hasSize(10);
        assertThat(page3.hasNextPage()).isFalse();
        assertThat(ids(page3)).endsWith("ev-0");
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void eventsRecordedAfterTheFirstPageNeverAppearOnLaterPages(Durability durability) {
        ActionTrail actionTrail = start(durability);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            specs.add(plain(n, NOW.minusSeconds(100 - n), "E"));
        }
        recordAll(actionTrail, specs);
        LookupQuery q = LookupQuery.builder().eventName("E").maxResults(6).build();
        LookupResult page = actionTrail.lookup(q);
        List<String> seen = new ArrayList<>(ids(page));
        @Nullable LookupQuery next = q.next(page);
        int late = 100;
        while (next != null) {
            // new matching events inside the time range, some older than what the pages show next
            recordAll(
                    actionTrail,
                    List.of(
                            plain(late, NOW.minusSeconds(1), "E"),
                            plain(late + 1, NOW.minusSeconds(99), "E"),
                            plain(late + 2, NOW.minusSeconds(200), "E")));
            late += 3;
            page = actionTrail.lookup(next);
            seen.addAll(ids(page));
            next = next.next(page);
        }
        List<String> expected = new ArrayList<>();
        for (int n = 19; n >= 0; n--) {
            expected.add("ev-" + n);
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(ids(actionTrail.lookup(q.toBuilder().maxResults(1).build())))
                .as("a new first page sees the new events")
                .containsExactly("ev-" + (late - 1));
    }

    // ---------------------------------------------------------------- bad queries

    @Test
    void rejectsAnEndTimeBeforeTheStartTime() {
        assertThatThrownBy(() -> LookupQuery.builder()
                        .startTime(NOW)
                        .endTime(NOW.minusMillis(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endTime 2026-03-10T11:59:59.999Z is before startTime 2026-03-10T12:00:00Z");
    }

    @Test
    void rejectsAPageSizeOutsideOneToOneThousand() {
        for (int bad : new int[] {0, -1, 1001, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> LookupQuery.builder().maxResults(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxResults must be between 1 and 1000: " + bad);
            assertThatThrownBy(() -> new LookupQuery(
                            null, null, List.of(), List.of(), LookupQuery.Order.NEWEST_FIRST, bad, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxResults must be between 1 and 1000: " + bad);
        }
        assertThat(LookupQuery.builder().maxResults(1).build().maxResults()).isEqualTo(1);
        assertThat(LookupQuery.builder().maxResults(1000).build().maxResults()).isEqualTo(1000);
    }

    @Test
    void rejectsABlankToken() {
        assertThatThrownBy(() -> LookupQuery.builder().nextToken(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nextToken must not be blank");
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void rejectsATokenItDidNotIssue(Durability durability) {
        ActionTrail actionTrail = start(durability);
        recordAll(actionTrail, List.of(plain(0, NOW, "E")));
        String forged = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("1|someone-else|5|0|9|abc".getBytes(StandardCharsets.UTF_8));
        for (String garbage : new String[] {"garbage", "!!!", "AAAA", forged}) {
            assertThatThrownBy(() -> actionTrail.lookup(
                            LookupQuery.builder().nextToken(garbage).build()))
                    .as(garbage)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown nextToken: it was not issued by this journal");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void rejectsATokenOfAnotherActionTrail(Durability durability) {
        ActionTrail one = start(durability, dataDir, Duration.ofDays(90));
        ActionTrail other = start(durability, otherDir, Duration.ofDays(90));
        List<Spec> specs = List.of(plain(0, NOW, "E"), plain(1, NOW, "E"));
        recordAll(one, specs);
        recordAll(other, specs);
        LookupQuery q = LookupQuery.builder().maxResults(1).build();
        String fromOne = one.lookup(q).nextToken();
        String fromOther = other.lookup(q).nextToken();
        assertThat(fromOne).isNotNull().isNotEqualTo(fromOther);
        assertThat(fromOther).isNotNull();

        assertThatThrownBy(() -> other.lookup(q.toBuilder().nextToken(fromOne).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown nextToken");
        assertThatThrownBy(() -> one.lookup(q.toBuilder().nextToken(fromOther).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown nextToken");
        assertThat(ids(one.lookup(q.toBuilder().nextToken(fromOne).build()))).containsExactly("ev-0");
    }

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP"})
    void rejectsATokenUsedWithOtherFiltersButAllowsAnotherPageSize(Durability durability) {
        ActionTrail actionTrail = start(durability);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            specs.add(plain(n, NOW.minusSeconds(10 - n), "E"));
        }
        recordAll(actionTrail, specs);
        LookupQuery q = LookupQuery.builder()
                .eventName("E")
                .startTime(NOW.minusSeconds(60))
                .maxResults(2)
                .build();
        String token = actionTrail.lookup(q).nextToken();
        assertThat(token).isNotNull();

        List<LookupQuery> others = List.of(
                q.toBuilder().eventName("F").nextToken(token).build(),
                q.toBuilder().eventName(null).nextToken(token).build(),
                q.toBuilder().userName("alice").nextToken(token).build(),
                q.toBuilder().outcome(Outcome.SUCCESS).nextToken(token).build(),
                q.toBuilder().startTime(NOW.minusSeconds(61)).nextToken(token).build(),
                q.toBuilder().endTime(NOW).nextToken(token).build());
        for (LookupQuery other : others) {
            assertThatThrownBy(() -> actionTrail.lookup(other))
                    .as(other.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "nextToken belongs to a query with other filters; pass the same filters with the token");
        }
        assertThat(ids(actionTrail.lookup(
                        q.toBuilder().maxResults(10).nextToken(token).build())))
                .containsExactly("ev-2", "ev-1", "ev-0");
    }

    // ---------------------------------------------------------------- visibility and restart

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"MEMORY", "GROUP", "SYNC"})
    void anEventIsVisibleToLookupRightAfterRecord(Durability durability) {
        ActionTrail actionTrail = start(durability);
        for (int n = 0; n < 200; n++) {
            actionTrail.record(plain(n, NOW, "E").toEvent());
            assertThat(ids(actionTrail.lookup(
                            LookupQuery.builder().requestId("r-" + n).build())))
                    .as("event %d", n)
                    .containsExactly("ev-" + n);
        }
    }

    @Test
    void findsEventsAfterARestartAndTakesATokenIssuedBeforeIt() {
        ActionTrail before = start(Durability.GROUP);
        List<Spec> specs = new ArrayList<>();
        for (int n = 0; n < 25; n++) {
            specs.add(plain(n, NOW.minusSeconds(100 - n), n % 5 == 0 ? "Other" : "E"));
        }
        recordAll(before, specs);
        LookupQuery q = LookupQuery.builder().eventName("E").maxResults(8).build();
        LookupResult page1 = before.lookup(q);
        assertThat(ids(page1)).hasSize(8).startsWith("ev-24", "ev-23", "ev-22", "ev-21", "ev-19");
        before.close(Duration.ofSeconds(5));

        ActionTrail after = start(Durability.GROUP);
        LookupQuery next = nextPage(q, page1);
        List<String> seen = new ArrayList<>(ids(page1));
        seen.addAll(allPages(after, next));
        List<String> expected = new ArrayList<>();
        for (int n = 24; n >= 0; n--) {
            if (n % 5 != 0) {
                expected.add("ev-" + n);
            }
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(allPages(after, q)).isEqualTo(expected);
        assertThat(allPages(after, LookupQuery.builder().maxResults(1000).build()))
                .hasSize(25);
    }

    @Test
    void theMemoryJournalForgetsEverythingOnRestart() {
        ActionTrail before = start(Durability.MEMORY);
        recordAll(before, List.of(plain(0, NOW, "E")));
        assertThat(before.lookup(LookupQuery.builder().build()).events()).hasSize(1);
        before.close(Duration.ofSeconds(5));
        ActionTrail after = start(Durability.MEMORY);
        assertThat(after.lookup(LookupQuery.builder().build()).events()).isEmpty();
    }
}
