package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The journal's lookups and aggregations against a brute-force oracle: a journal of random events over twenty days in
 * many small segments, and 1,000 random queries — several attributes, OR lists, prefixes, negations, networks,
 * resources named as primary or referenced, free text, time windows, both orders, every page size — each paged to
 * its end and compared, event by event and in order, with a filter over every recorded event. Then again after
 * retention deleted the oldest segments, and after a restart; with the secondary index and without it. And with
 * index files damaged at random before a restart: the same answers, and the rebuilds counted.
 */
class QueryOracleTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final int EVENTS = 6000;
    private static final Duration RETENTION = Duration.ofDays(30);

    private static final String[] NAMES = {"CreateOrder", "CreateInvoice", "GetOrder", "DeleteOrder", "Login", "Export"
    };
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "Alice"};
    private static final String[] TENANTS = {"t-1", "t-2", "t-3"};
    private static final String[] KEYS = {"AK1", "AK2", "AK3"};
    private static final String[] TYPES = {"Order", "Invoice", "Customer"};
    private static final String[] IDS = {"o-1", "o-2", "o-3", "o-10", "o-11"};
    private static final String[] ERRORS = {"Conflict", "NotFound", "Forbidden"};
    private static final String[] IPS = {
        "203.0.113.7", "203.0.113.200", "203.0.114.1", "10.1.2.3", "10.200.0.1", "2001:db8::1", "2001:db9::1"
    };
    private static final String[] NETWORKS = {"203.0.113.0/24", "203.0.112.0/22", "10.0.0.0/8", "2001:db8::/32"};
    private static final String[] WORDS = {"refund", "declined", "urgent"};

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(START.plus(Duration.ofDays(21)));
    private final List<ActionTrail> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(a -> a.close(Duration.ofSeconds(5)));
    }

    private ActionTrail open(boolean queryIndex) {
        ActionTrail actionTrail = ActionTrail.builder()
                .queryIndex(queryIndex)
                .insights(io.actiontrail.insights.Insights.disabled()) // the oracle knows the recorded events only
                .serviceName("svc")
                .shutdownHook(false)
                .clock(clock)
                .durability(Durability.GROUP)
                .dataDir(dataDir)
                .segmentBytes(64 * 1024)
                .retention(RETENTION)
                .build();
        opened.add(actionTrail);
        return actionTrail;
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static <T> @Nullable T maybe(Random r, T[] values) {
        return r.nextInt(4) == 0 ? null : values[r.nextInt(values.length)];
    }

    private static AuditEvent event(Random r, int i) {
        // times mostly increase with the position, with jitter of up to an hour either way
        long millis = START.toEpochMilli()
                + (long) i * Duration.ofDays(20).toMillis() / EVENTS
                + r.nextInt(7_200_000)
                - 3_600_000;
        UserIdentity.Builder identity = UserIdentity.builder(UserIdentity.Type.USER);
        String user = maybe(r, USERS);
        if (user != null) {
            identity.userName(user).principalId("u-" + user.toLowerCase(java.util.Locale.ROOT));
        }
        identity.accountId(maybe(r, TENANTS)).accessKeyId(maybe(r, KEYS));
        Outcome outcome = pick(r, Outcome.values());
        AuditEvent.Builder b = AuditEvent.builder(NAMES[r.nextInt(NAMES.length)])
                .eventTime(Instant.ofEpochMilli(millis))
                .serviceName(r.nextInt(5) == 0 ? "other" : "svc")
                .eventRW(r.nextBoolean() ? EventRW.READ : EventRW.WRITE)
                .eventType(pick(r, EventType.values()))
                .eventCategory(r.nextInt(5) == 0 ? EventCategory.DATA : EventCategory.MANAGEMENT)
                .userIdentity(identity.build())
                .sourceIpAddress(maybe(r, IPS))
                .requestId(r.nextInt(3) == 0 ? null : "req-" + r.nextInt(40))
                .outcome(outcome)
                .errorCode(outcome == Outcome.SUCCESS ? null : ERRORS[r.nextInt(ERRORS.length)]);
        String type = maybe(r, TYPES);
        if (type != null) {
            b.resource(type, IDS[r.nextInt(IDS.length)]);
        }
        if (r.nextInt(3) == 0) {
            Map<String, List<String>> referenced = new LinkedHashMap<>();
            referenced.put(
                    TYPES[r.nextInt(TYPES.length)], List.of(IDS[r.nextInt(IDS.length)], IDS[r.nextInt(IDS.length)]));
            b.referencedResources(referenced);
        }
        if (r.nextInt(4) == 0) {
            b.additionalEventData(Map.of("note", WORDS[r.nextInt(WORDS.length)] + " #" + i));
        }
        return b.build();
    }

    private static Condition condition(Random r) {
        Attribute attribute = pick(r, Attribute.values());
        Condition.Builder c = Condition.builder(attribute);
        int terms = 1 + r.nextInt(3);
        for (int t = 0; t < terms; t++) {
            String value = sample(r, attribute);
            if (attribute == Attribute.SOURCE_IP_ADDRESS && r.nextBoolean()) {
                c.network(NETWORKS[r.nextInt(NETWORKS.length)]);
            } else if (r.nextInt(4) == 0 && value.length() > 1) {
                c.prefix(value.substring(0, 1 + r.nextInt(value.length() - 1)));
            } else {
                c.value(value);
            }
        }
        return c.negated(r.nextInt(4) == 0).build();
    }

    private static String sample(Random r, Attribute attribute) {
        return switch (attribute) {
            case EVENT_NAME -> NAMES[r.nextInt(NAMES.length)];
            case EVENT_TYPE -> pick(r, EventType.values()).wireName();
            case EVENT_RW -> r.nextBoolean() ? "Read" : "Write";
            case EVENT_CATEGORY -> r.nextBoolean() ? "Management" : "Data";
            case USER_NAME -> USERS[r.nextInt(USERS.length)];
            case PRINCIPAL_ID -> "u-" + USERS[r.nextInt(USERS.length)].toLowerCase(java.util.Locale.ROOT);
            case ACCOUNT_ID -> TENANTS[r.nextInt(TENANTS.length)];
            case ACCESS_KEY_ID -> KEYS[r.nextInt(KEYS.length)];
            case RESOURCE_TYPE -> TYPES[r.nextInt(TYPES.length)];
            case RESOURCE_NAME -> IDS[r.nextInt(IDS.length)];
            case RESOURCE -> Attribute.resource(TYPES[r.nextInt(TYPES.length)], IDS[r.nextInt(IDS.length)]);
            case REQUEST_ID -> "req-" + r.nextInt(40);
            case EVENT_ID -> "no-such-id-" + r.nextInt(3);
            case SOURCE_IP_ADDRESS -> IPS[r.nextInt(IPS.length)];
            case OUTCOME -> pick(r, Outcome.values()).wireName();
            case ERROR_CODE -> ERRORS[r.nextInt(ERRORS.length)];
            case SERVICE_NAME -> r.nextInt(5) == 0 ? "other" : "svc";
        };
    }

    private LookupQuery query(Random r, List<AuditEvent> recorded) {
        LookupQuery.Builder q = LookupQuery.builder();
        int conditions = r.nextInt(4);
        for (int c = 0; c < conditions; c++) {
            q.where(condition(r));
        }
        if (r.nextInt(10) == 0 && !recorded.isEmpty()) {
            q.eventId(recorded.get(r.nextInt(recorded.size())).eventId());
        }
        if (r.nextInt(8) == 0) {
            q.text(WORDS[r.nextInt(WORDS.length)].toUpperCase(java.util.Locale.ROOT));
        }
        long span = Duration.ofDays(22).toMillis();
        switch (r.nextInt(4)) {
            case 0 -> q.startTime(START.minus(Duration.ofDays(1))); // everything
            case 1 -> {
                long from = START.toEpochMilli() + (long) (r.nextDouble() * span);
                q.startTime(Instant.ofEpochMilli(from))
                        .endTime(Instant.ofEpochMilli(
                                from + r.nextInt((int) Duration.ofDays(2).toMillis())));
            }
            case 2 -> q.startTime(Instant.ofEpochMilli(START.toEpochMilli() + (long) (r.nextDouble() * span)));
            default -> {} // the last 7 days
        }
        q.order(r.nextBoolean() ? LookupQuery.Order.NEWEST_FIRST : LookupQuery.Order.OLDEST_FIRST);
        int[] pages = {1, 7, 50, 1000};
        q.maxResults(pages[r.nextInt(pages.length)]);
        return q.build();
    }

    /** The events matching the query in its range, in the order the query asks for: the oracle. */
    private List<String> expected(LookupQuery q, List<AuditEvent> recorded) {
        long now = clock.millis();
        long from = Math.max(
                q.startTime() != null ? q.startTime().toEpochMilli() : now - LookupQuery.DEFAULT_RANGE.toMillis(),
                now - RETENTION.toMillis());
        long to = q.endTime() != null ? q.endTime().toEpochMilli() : Long.MAX_VALUE;
        List<String> ids = new ArrayList<>();
        for (AuditEvent e : recorded) {
            long t = e.eventTime().toEpochMilli();
            if (t >= from && t < to && q.matchesAttributes(e)) {
                ids.add(e.eventId());
            }
        }
        if (q.order() == LookupQuery.Order.NEWEST_FIRST) {
            java.util.Collections.reverse(ids);
        }
        return ids;
    }

    private static List<String> all(ActionTrail actionTrail, LookupQuery q) {
        List<String> ids = new ArrayList<>();
        LookupQuery page = q;
        while (page != null) {
            LookupResult result = actionTrail.lookup(page);
            assertThat(result.events().size()).isLessThanOrEqualTo(q.maxResults());
            result.events().forEach(e -> ids.add(e.eventId()));
            page = q.next(result);
            if (page != null) {
                page = page.toBuilder().build();
            }
        }
        return ids;
    }

    private void checkQueries(ActionTrail actionTrail, List<AuditEvent> recorded, Random r, int count) {
        int nonEmpty = 0;
        for (int i = 0; i < count; i++) {
            LookupQuery q = query(r, recorded);
            List<String> expected = expected(q, recorded);
            if (!expected.isEmpty()) {
                nonEmpty++;
            }
            assertThat(all(actionTrail, q)).as("query %d: %s", i, q).isEqualTo(expected);
        }
        assertThat(nonEmpty).as("queries with matches").isGreaterThan(count / 4);
    }

    private void checkAggregations(ActionTrail actionTrail, List<AuditEvent> recorded, Random r, int count) {
        for (int i = 0; i < count; i++) {
            LookupQuery q = query(r, recorded);
            Duration bucket = Duration.ofMinutes(new int[] {60, 360, 1440}[r.nextInt(3)]);
            Attribute by = pick(r, Attribute.values());
            Aggregation aggregation = Aggregation.histogram(q, bucket).withTop(by, 1 + r.nextInt(5));
            AggregationResult result = actionTrail.aggregate(aggregation);

            List<String> ids = expected(q, recorded);
            Map<String, AuditEvent> byId = new HashMap<>();
            recorded.forEach(e -> byId.put(e.eventId(), e));
            assertThat(result.matched()).as("matched, %s", q).isEqualTo(ids.size());
            Map<Instant, long[]> buckets = new HashMap<>();
            Map<String, Long> values = new HashMap<>();
            for (String id : ids) {
                AuditEvent e = Objects.requireNonNull(byId.get(id));
                long size = bucket.toMillis();
                Instant start = Instant.ofEpochMilli(Math.floorDiv(e.eventTime().toEpochMilli(), size) * size);
                long[] c = buckets.computeIfAbsent(start, k -> new long[3]);
                c[0]++;
                c[1] += e.outcome() == Outcome.FAILURE ? 1 : 0;
                c[2] += e.outcome() == Outcome.DENIED ? 1 : 0;
                by.valuesOf(e).forEach(v -> values.merge(v, 1L, Long::sum));
            }
            for (AggregationResult.Bucket b : result.buckets()) {
                long[] c = buckets.getOrDefault(b.start(), new long[3]);
                assertThat(new long[] {b.count(), b.failures(), b.denials()})
                        .as("bucket %s of %s", b.start(), q)
                        .containsExactly(c);
            }
            assertThat(result.buckets().stream()
                            .mapToLong(AggregationResult.Bucket::count)
                            .sum())
                    .isEqualTo(ids.size());
            List<AggregationResult.ValueCount> top = values.entrySet().stream()
                    .map(e -> new AggregationResult.ValueCount(e.getKey(), e.getValue()))
                    .sorted(Comparator.comparingLong(AggregationResult.ValueCount::count)
                            .reversed()
                            .thenComparing(AggregationResult.ValueCount::value))
                    .limit(aggregation.top())
                    .toList();
            assertThat(result.top()).as("top %s of %s", by, q).isEqualTo(top);
        }
    }

    @ParameterizedTest(name = "queryIndex={0}")
    @ValueSource(booleans = {true, false})
    void lookupsAndAggregationsAgreeWithAFullScanAcrossRollsRetentionAndARestart(boolean queryIndex) {
        Random r = new Random(20261205L);
        ActionTrail actionTrail = open(queryIndex);
        List<AuditEvent> recorded = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            AuditEvent e = event(r, i);
            actionTrail.record(e);
            recorded.add(e);
        }
        assertThat(actionTrail.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(actionTrail.journalStatus().segments()).as("segments").isGreaterThan(10);

        checkQueries(actionTrail, recorded, r, 400);
        checkAggregations(actionTrail, recorded, r, 100);

        // retention: the clock moves on and the oldest segments go
        clock.advance(Duration.ofDays(12));
        actionTrail.maintainJournal();
        checkQueries(actionTrail, recorded, r, 300);

        // a restart: the same answers from the files alone
        actionTrail.close(Duration.ofSeconds(5));
        opened.remove(actionTrail);
        ActionTrail reopened = open(queryIndex);
        checkQueries(reopened, recorded, r, 300);
        checkAggregations(reopened, recorded, r, 50);
    }

    private List<Path> indexFiles() {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".qidx"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void damagedIndexFilesAreRebuiltCountedAndNeverChangeAnAnswer() throws IOException {
        Random r = new Random(7L);
        ActionTrail actionTrail = open(true);
        List<AuditEvent> recorded = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            AuditEvent e = event(r, i);
            actionTrail.record(e);
            recorded.add(e);
        }
        assertThat(actionTrail.flush(Duration.ofSeconds(10))).isTrue();
        int sealed = actionTrail.journalStatus().segments() - 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> indexFiles().size() == sealed);
        actionTrail.close(Duration.ofSeconds(5));
        opened.remove(actionTrail);

        // truncate some index files and flip a byte in others, at random positions; delete one
        List<Path> files = indexFiles();
        int damaged = 0;
        for (int i = 0; i < files.size(); i += 3) {
            Path file = files.get(i);
            byte[] bytes = Files.readAllBytes(file);
            int at = r.nextInt(bytes.length);
            switch (damaged % 3) {
                case 0 -> Files.write(file, java.util.Arrays.copyOf(bytes, at));
                case 1 -> {
                    bytes[at] ^= (byte) (1 + r.nextInt(255));
                    Files.write(file, bytes);
                }
                default -> Files.delete(file);
            }
            damaged++;
        }

        ActionTrail reopened = open(true);
        assertThat(reopened.journalStatus().indexRebuilds()).isEqualTo(damaged);
        checkQueries(reopened, recorded, r, 200);
        checkAggregations(reopened, recorded, r, 50);
        await().atMost(Duration.ofSeconds(30)).until(() -> indexFiles().size() == sealed);
        checkQueries(reopened, recorded, r, 200);
        checkAggregations(reopened, recorded, r, 50);

        // rebuilt files are whole: the next start rebuilds nothing
        reopened.close(Duration.ofSeconds(5));
        opened.remove(reopened);
        ActionTrail again = open(true);
        assertThat(again.journalStatus().indexRebuilds()).isZero();
        checkQueries(again, recorded, r, 100);
    }

    @Test
    void aSelectiveLookupReadsFarFewerLinesWithTheIndex() {
        Random r = new Random(11L);
        ActionTrail indexed = open(true);
        for (int i = 0; i < EVENTS; i++) {
            indexed.record(event(r, i));
        }
        AuditEvent needle = AuditEvent.builder("FindMe")
                .eventTime(START.plus(Duration.ofDays(19)))
                .resource("Order", "needle")
                .build();
        indexed.record(needle);
        assertThat(indexed.flush(Duration.ofSeconds(10))).isTrue();
        int sealed = indexed.journalStatus().segments() - 1;
        await().atMost(Duration.ofSeconds(30)).until(() -> indexFiles().size() == sealed);
        LookupQuery q = LookupQuery.builder()
                .where(Condition.is(Attribute.RESOURCE, Attribute.resource("Order", "needle")))
                .startTime(START)
                .build();
        long before = indexed.linesScannedByLookups();
        assertThat(indexed.lookup(q).events()).extracting(AuditEvent::eventId).containsExactly(needle.eventId());
        assertThat(indexed.linesScannedByLookups() - before).isLessThan(EVENTS / 20);
    }
}
