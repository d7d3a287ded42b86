package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lookup at scale, against a brute-force oracle: a disk journal of 1,000,000 events in many segments, with event
 * times spread over ten days and not monotonic. Every single-attribute filter, every pair of attributes and a sample
 * of wider combinations, in narrow and wide time windows, get exactly the oracle's first page; full pagination
 * visits every match exactly once in journal order; a narrow window visits a small fraction of the journal (the time
 * index); a restart changes no answer and keeps the tokens; and paging stays exact while another thread records.
 *
 * <p>The oracle keeps one byte per attribute and one long time per event, in journal order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LookupIT {

    private static final int EVENTS = 1_000_000;
    /** Room in the oracle for the events the concurrent writer records. */
    private static final int MAX_LATE = 100_000;

    private static final Instant FIRST = Instant.parse("2026-03-01T00:00:00Z");
    private static final long SPREAD_MILLIS = Duration.ofDays(10).toMillis();
    /** The fixed clock: after the last event, whose jitter is at most 6 hours. */
    private static final Instant NOW = FIRST.plus(Duration.ofDays(10)).plus(Duration.ofHours(12));

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long MINUTE = Duration.ofMinutes(1).toMillis();
    private static final int[] PAGE_SIZES = {1, 10, LookupQuery.DEFAULT_MAX_RESULTS, LookupQuery.MAX_MAX_RESULTS};

    @TempDir
    static Path dataDir;

    /** The attributes a query filters on, in this order. */
    private static final String[] NAMES = {
        "eventName",
        "eventRW",
        "eventType",
        "userName",
        "principalId",
        "accessKeyId",
        "resourceType",
        "resourceName",
        "serviceName",
        "outcome",
        "requestId",
        "sourceIpAddress"
    };

    private static final int ATTRIBUTES = NAMES.length;

    /** The values each attribute takes; {@code null} (code 0 of the optional attributes) means absent. */
    private static final @Nullable Object[][] VALUES = {
        {"CreateOrder", "GetOrder", "UpdateOrder", "DeleteOrder", "ListOrders", "Login", "Logout", "Export"},
        {EventRW.READ, EventRW.WRITE},
        {
            EventType.API_CALL,
            EventType.CONSOLE_OPERATION,
            EventType.CONSOLE_SIGNIN,
            EventType.CONSOLE_SIGNOUT,
            EventType.SERVICE_EVENT,
            EventType.SYSTEM_EVENT
        },
        {null, "alice", "bob", "carol", "dave", "erin", "frank"},
        {null, "u-1", "u-2", "u-3", "u-4", "u-5", "u-6"},
        {null, "AK1", "AK2", "AK3", "AK4"},
        {null, "Order", "Invoice", "Customer", "Payment", "Shipment"},
        {null, "o-1", "o-2", "o-3", "o-4", "o-5", "o-6", "o-7", "o-8", "o-9", "o-10"},
        {"orders", "billing", "shipping"},
        {Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED},
        {null, "req-1", "req-2", "req-3", "req-4", "req-5", "req-6", "req-7", "req-8", "req-9", "req-10", "req-11"},
        {null, "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}
    };

    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)";

    // the oracle: per attribute one code per event, and the event times, in journal order
    private final byte[][] codes = new byte[ATTRIBUTES][EVENTS + MAX_LATE];
    private final long[] times = new long[EVENTS + MAX_LATE];
    /** Events in the journal: the oracle's length; the concurrent writer adds to it. */
    private final AtomicInteger count = new AtomicInteger();

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Random random = new Random(20260301L);
    private ActionTrail actionTrail;

    private ActionTrail open() {
        return ActionTrail.builder()
                .serviceName("svc")
                .shutdownHook(false)
                .clock(clock)
                .durability(Durability.GROUP)
                .dataDir(dataDir)
                .segmentBytes(4 * 1024 * 1024)
                .build();
    }

    @AfterAll
    void close() {
        actionTrail.close(Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------- events and the oracle

    /** Draws a code, skewed towards the first values so that some values and combinations are rare. */
    private static byte draw(Random r, int values) {
        return (byte) (r.nextBoolean() ? r.nextInt(values) : r.nextInt(r.nextInt(values) + 1));
    }

    private void generate(Random r, int i, long time) {
        for (int a = 0; a < ATTRIBUTES; a++) {
            codes[a][i] = draw(r, VALUES[a].length);
        }
        times[i] = time;
    }

    private @Nullable Object value(int attribute, int i) {
        return VALUES[attribute][codes[attribute][i]];
    }

    private static String id(int i) {
        return "e" + i;
    }

    private AuditEvent event(int i) {
        return AuditEvent.builder((String) Objects.requireNonNull(value(0, i)))
                .eventId(id(i))
                .eventTime(Instant.ofEpochMilli(times[i]))
                .eventRW((EventRW) value(1, i))
                .eventType((EventType) value(2, i))
                .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                        .userName((String) value(3, i))
                        .principalId((String) value(4, i))
                        .accessKeyId((String) value(5, i))
                        .build())
                .resource((String) value(6, i), (String) value(7, i))
                .serviceName((String) value(8, i))
                .outcome((Outcome) value(9, i))
                .requestId((String) value(10, i))
                .sourceIpAddress((String) value(11, i))
                .userAgent(USER_AGENT)
                .build();
    }

    /**
     * A query as the oracle sees it: attribute codes ({@code -1} for unset), the time range in whole milliseconds
     * ({@code null} for the default), and the page size.
     */
    private static final class Query {
        private final int[] filter;
        private final @Nullable Instant start;
        private final @Nullable Instant end;
        private final int maxResults;

        Query(int[] filter, @Nullable Instant start, @Nullable Instant end, int maxResults) {
            this.filter = filter.clone();
            this.start = start;
            this.end = end;
            this.maxResults = maxResults;
        }

        int filter(int attribute) {
            return filter[attribute];
        }

        int maxResults() {
            return maxResults;
        }

        LookupQuery toLookup(@Nullable String token) {
            LookupQuery.Builder b = LookupQuery.builder()
                    .startTime(start)
                    .endTime(end)
                    .maxResults(maxResults)
                    .nextToken(token);
            for (int a = 0; a < ATTRIBUTES; a++) {
                if (filter[a] >= 0) {
                    set(b, a, Objects.requireNonNull(VALUES[a][filter[a]]));
                }
            }
            return b.build();
        }

        /** The resolved range: the default start is 7 days before the clock; the retention is 90 days. */
        long from() {
            long floor = NOW.minus(ActionTrail.DEFAULT_RETENTION).toEpochMilli();
            long wanted = start != null
                    ? start.toEpochMilli()
                    : NOW.minus(LookupQuery.DEFAULT_RANGE).toEpochMilli();
            return Math.max(floor, wanted);
        }

        long to() {
            return end != null ? end.toEpochMilli() : Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("[");
            for (int a = 0; a < ATTRIBUTES; a++) {
                if (filter[a] >= 0) {
                    text.append(NAMES[a])
                            .append('=')
                            .append(VALUES[a][filter[a]])
                            .append(' ');
                }
            }
            return text.append("in [")
                    .append(start)
                    .append(", ")
                    .append(end)
                    .append(") max ")
                    .append(maxResults)
                    .append(']')
                    .toString();
        }
    }

    private static void set(LookupQuery.Builder b, int attribute, Object value) {
        switch (attribute) {
            case 0 -> b.eventName((String) value);
            case 1 -> b.eventRW((EventRW) value);
            case 2 -> b.eventType((EventType) value);
            case 3 -> b.userName((String) value);
            case 4 -> b.principalId((String) value);
            case 5 -> b.accessKeyId((String) value);
            case 6 -> b.resourceType((String) value);
            case 7 -> b.resourceName((String) value);
            case 8 -> b.serviceName((String) value);
            case 9 -> b.outcome((Outcome) value);
            case 10 -> b.requestId((String) value);
            case 11 -> b.sourceIpAddress((String) value);
            default -> throw new IllegalArgumentException("no attribute " + attribute);
        }
    }

    private boolean matches(Query q, int i) {
        long time = times[i];
        if (time < q.from() || time >= q.to()) {
            return false;
        }
        for (int a = 0; a < ATTRIBUTES; a++) {
            if (q.filter(a) >= 0 && codes[a][i] != q.filter(a)) {
                return false;
            }
        }
        return true;
    }

    /** The oracle: the positions below {@code before} that match, newest first, at most {@code limit}. */
    private int[] oracle(Query q, int before, int limit) {
        int[] found = new int[Math.min(limit, 1024)];
        int n = 0;
        for (int i = before - 1; i >= 0 && n < limit; i--) {
            if (matches(q, i)) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, found.length * 2);
                }
                found[n++] = i;
            }
        }
        return Arrays.copyOf(found, n);
    }

    private static int[] ids(LookupResult page) {
        return page.events().stream()
                .mapToInt(e -> Integer.parseInt(e.eventId().substring(1)))
                .toArray();
    }

    // ---------------------------------------------------------------- random queries

    private static int[] noFilter() {
        int[] filter = new int[ATTRIBUTES];
        Arrays.fill(filter, -1);
        return filter;
    }

    /** A value of the attribute that a filter can name: not the absent one. */
    private int anyValue(int attribute) {
        int first = VALUES[attribute][0] == null ? 1 : 0;
        return first + random.nextInt(VALUES[attribute].length - first);
    }

    private static final int NARROW = 0;
    private static final int MEDIUM = 1;
    private static final int WIDE = 2;
    private static final int DEFAULT = 3;

    private Query query(int[] filter, int window, int maxResults) {
        long earliest = FIRST.toEpochMilli() - 6 * HOUR;
        long latest = NOW.toEpochMilli();
        return switch (window) {
            case NARROW -> {
                long start = earliest + random.nextLong(latest - earliest);
                long length = 10 * MINUTE + random.nextLong(170 * MINUTE);
                yield new Query(filter, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + length), maxResults);
            }
            case MEDIUM -> {
                long start = earliest + random.nextLong(latest - earliest);
                long length = 6 * HOUR + random.nextLong(42 * HOUR);
                yield new Query(
                        filter,
                        Instant.ofEpochMilli(start),
                        random.nextInt(4) == 0 ? null : Instant.ofEpochMilli(start + length),
                        maxResults);
            }
            case WIDE -> new Query(filter, FIRST.minus(Duration.ofDays(1)), null, maxResults);
            default -> new Query(filter, null, null, maxResults);
        };
    }

    private int pageSize() {
        return PAGE_SIZES[random.nextInt(PAGE_SIZES.length)];
    }

    // ---------------------------------------------------------------- checks

    private int checked;
    private int emptyPages;
    private int fullPages;

    /** Compares the first page of the query with the oracle: the same events in the same order, and the token. */
    private void checkFirstPage(Query q) {
        int before = count.get();
        LookupResult page = actionTrail.lookup(q.toLookup(null));
        int[] expected = oracle(q, before, q.maxResults() + 1);
        int onPage = Math.min(expected.length, q.maxResults());
        assertThat(ids(page)).as(q.toString()).containsExactly(Arrays.copyOf(expected, onPage));
        assertThat(page.hasNextPage()).as("next page of " + q).isEqualTo(expected.length > q.maxResults());
        checked++;
        if (onPage == 0) {
            emptyPages++;
        } else if (onPage == q.maxResults()) {
            fullPages++;
        }
    }

    /** Fetches every page; returns the positions visited, failing if one is visited twice. */
    private int[] allPages(Query q, @Nullable String firstToken, int[] pages) {
        int[] visited = new int[1024];
        int n = 0;
        String token = firstToken;
        do {
            LookupResult page = actionTrail.lookup(q.toLookup(token));
            int[] ids = ids(page);
            assertThat(ids.length).isLessThanOrEqualTo(q.maxResults());
            if (n + ids.length > visited.length) {
                visited = Arrays.copyOf(visited, Math.max(visited.length * 2, n + ids.length));
            }
            System.arraycopy(ids, 0, visited, n, ids.length);
            n += ids.length;
            pages[0]++;
            token = page.nextToken();
        } while (token != null);
        return Arrays.copyOf(visited, n);
    }

    private void checkAllPages(Query q, int[] pages) {
        int before = count.get();
        int[] visited = allPages(q, null, pages);
        assertThat(visited).as(q.toString()).containsExactly(oracle(q, before, Integer.MAX_VALUE));
    }

    // ---------------------------------------------------------------- the tests

    @BeforeAll
    void recordAMillionEventsInManySegments() {
        actionTrail = open();
        long started = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            long base = FIRST.toEpochMilli() + (long) i * SPREAD_MILLIS / EVENTS;
            int kind = random.nextInt(10_000);
            long jitter;
            if (kind == 0) {
                jitter = random.nextLong(12 * HOUR) - 6 * HOUR; // a few events hours off
            } else if (kind <= 100) {
                jitter = random.nextLong(20 * MINUTE) - 10 * MINUTE; // 1% minutes off
            } else {
                jitter = random.nextInt(4000) - 2000L; // the rest within seconds
            }
            generate(random, i, base + jitter);
            actionTrail.record(event(i));
        }
        count.set(EVENTS);
        await().atMost(Duration.ofMinutes(2))
                .until(() -> actionTrail.journalStatus().nextPosition() == EVENTS);
        double seconds = (System.nanoTime() - started) / 1e9;
        JournalStatus status = actionTrail.journalStatus();
        Runtime runtime = Runtime.getRuntime();
        System.out.printf(
                "LookupIT: recorded %,d events in %.1f s (%,.0f events/s): %d segments, %,d bytes on disk; heap"
                        + " %,d MiB max, %,d MiB in use%n",
                EVENTS,
                seconds,
                EVENTS / seconds,
                status.segments(),
                status.diskBytes(),
                runtime.maxMemory() >> 20,
                (runtime.totalMemory() - runtime.freeMemory()) >> 20);
        assertThat(status.segments()).isGreaterThanOrEqualTo(50);
        assertThat(status.firstPosition()).isZero();
    }

    @Test
    @Order(1)
    void everySingleAttributeFilterGetsTheOraclesFirstPage() {
        long started = System.nanoTime();
        int before = checked;
        for (int a = 0; a < ATTRIBUTES; a++) {
            for (int v = VALUES[a][0] == null ? 1 : 0; v < VALUES[a].length; v++) {
                for (int window : new int[] {DEFAULT, WIDE, MEDIUM, NARROW}) {
                    int[] filter = noFilter();
                    filter[a] = v;
                    checkFirstPage(query(filter, window, pageSize()));
                }
            }
        }
        checkFirstPage(query(noFilter(), DEFAULT, LookupQuery.DEFAULT_MAX_RESULTS));
        report("single attributes", before, started);
    }

    @Test
    @Order(2)
    void everyPairOfAttributesGetsTheOraclesFirstPage() {
        long started = System.nanoTime();
        int before = checked;
        int pairs = 0;
        for (int a = 0; a < ATTRIBUTES; a++) {
            for (int b = a + 1; b < ATTRIBUTES; b++) {
                pairs++;
                for (int window : new int[] {NARROW, NARROW, MEDIUM, WIDE, DEFAULT}) {
                    int[] filter = noFilter();
                    filter[a] = anyValue(a);
                    filter[b] = anyValue(b);
                    checkFirstPage(query(filter, window, pageSize()));
                }
            }
        }
        assertThat(pairs).isEqualTo(66);
        report("pairs", before, started);
    }

    @Test
    @Order(3)
    void widerCombinationsGetTheOraclesFirstPage() {
        long started = System.nanoTime();
        int before = checked;
        int matched = 0;
        for (int q = 0; q < 200; q++) {
            int size = 3 + random.nextInt(ATTRIBUTES - 2);
            List<Integer> order = new ArrayList<>();
            for (int a = 0; a < ATTRIBUTES; a++) {
                order.add(a);
            }
            Collections.shuffle(order, random);
            int[] filter = noFilter();
            Query query;
            if (q % 2 == 0) {
                // the values of a recorded event, in a window around it: most of these match
                int model = random.nextInt(EVENTS);
                for (int a : order.subList(0, size)) {
                    int code = codes[a][model];
                    filter[a] = VALUES[a][code] == null ? anyValue(a) : code;
                }
                long length = 10 * MINUTE + random.nextLong(48 * HOUR);
                long start = times[model] - random.nextLong(length);
                query = new Query(
                        filter, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + length), pageSize());
            } else {
                for (int a : order.subList(0, size)) {
                    filter[a] = anyValue(a);
                }
                query = query(filter, random.nextInt(3) == 0 ? MEDIUM : NARROW, pageSize());
            }
            int emptyBefore = emptyPages;
            checkFirstPage(query);
            matched += emptyPages == emptyBefore ? 1 : 0;
        }
        assertThat(matched).as("combinations that matched something").isGreaterThan(60);
        report("3 to 12 attributes", before, started);
    }

    @Test
    @Order(4)
    void fullPaginationVisitsEveryMatchExactlyOnceInJournalOrder() {
        long started = System.nanoTime();
        int[] pages = {0};
        int[] filter = noFilter();
        Query everything = new Query(filter, FIRST.minus(Duration.ofDays(1)), null, LookupQuery.MAX_MAX_RESULTS);
        int before = count.get();
        int[] visited = allPages(everything, null, pages);
        assertThat(visited).hasSize(EVENTS);
        for (int k = 0; k < visited.length; k++) {
            if (visited[k] != before - 1 - k) {
                throw new AssertionError(
                        "page position " + k + " holds event " + visited[k] + ", not " + (before - 1 - k));
            }
        }
        int all = pages[0];
        System.out.printf("LookupIT: all %,d events in %,d pages of 1,000 in %.1f s%n", EVENTS, all, seconds(started));

        long filtered = System.nanoTime();
        pages[0] = 0;
        for (int q = 0; q < 12; q++) {
            int[] f = noFilter();
            int a = random.nextInt(ATTRIBUTES);
            f[a] = anyValue(a);
            if (q % 2 == 1) {
                int b = (a + 1 + random.nextInt(ATTRIBUTES - 1)) % ATTRIBUTES;
                f[b] = anyValue(b);
            }
            int[] sizes = {LookupQuery.MAX_MAX_RESULTS, 137};
            checkAllPages(query(f, q % 3 == 0 ? DEFAULT : MEDIUM, sizes[q % 2]), pages);
        }
        System.out.printf(
                "LookupIT: 12 filtered queries paged to the end: %,d pages in %.1f s%n", pages[0], seconds(filtered));
    }

    @Test
    @Order(5)
    void aNarrowWindowVisitsASmallFractionOfTheJournal() {
        // a filter that matches nothing and that the query index cannot answer visits the whole window: free text
        LookupQuery.Builder unknown = LookupQuery.builder().text("no-such-text-anywhere");
        Instant start = FIRST.plus(Duration.ofDays(5));
        Instant end = start.plus(Duration.ofHours(1));

        long scanned = actionTrail.linesScannedByLookups();
        assertThat(actionTrail
                        .lookup(unknown.startTime(start).endTime(end).build())
                        .events())
                .isEmpty();
        long narrow = actionTrail.linesScannedByLookups() - scanned;

        scanned = actionTrail.linesScannedByLookups();
        assertThat(actionTrail
                        .lookup(unknown.startTime(FIRST.minus(Duration.ofDays(1)))
                                .endTime(null)
                                .build())
                        .events())
                .isEmpty();
        long full = actionTrail.linesScannedByLookups() - scanned;

        int inWindow = 0;
        for (int i = 0; i < EVENTS; i++) {
            inWindow += times[i] >= start.toEpochMilli() && times[i] < end.toEpochMilli() ? 1 : 0;
        }
        System.out.printf(
                "LookupIT: a 1-hour window visited %,d lines for %,d events in it (%.2f%% of %,d); the whole"
                        + " journal visited %,d%n",
                narrow, inWindow, 100.0 * narrow / EVENTS, EVENTS, full);
        assertThat(full).isEqualTo(EVENTS);
        assertThat(narrow).isGreaterThanOrEqualTo(inWindow).isLessThan(EVENTS / 50);

        // an event name no event has: the query index says so without reading a line
        scanned = actionTrail.linesScannedByLookups();
        assertThat(actionTrail
                        .lookup(LookupQuery.builder()
                                .eventName("NoSuchEvent")
                                .startTime(FIRST.minus(Duration.ofDays(1)))
                                .build())
                        .events())
                .isEmpty();
        assertThat(actionTrail.linesScannedByLookups() - scanned).isLessThan(EVENTS / 50);

        // the same narrow window with filters still gets the oracle's answer
        for (int q = 0; q < 20; q++) {
            int[] filter = noFilter();
            int a = random.nextInt(ATTRIBUTES);
            filter[a] = anyValue(a);
            checkFirstPage(new Query(filter, start, end, pageSize()));
        }
    }

    @Test
    @Order(6)
    void afterARestartTheSameQueriesGetTheSameAnswersAndTokensStillWork() {
        int[] filter = noFilter();
        filter[1] = 0; // eventRW = READ
        Query q = new Query(filter, FIRST.plus(Duration.ofDays(6)), FIRST.plus(Duration.ofDays(7)), 1000);
        LookupResult first = actionTrail.lookup(q.toLookup(null));
        String token = first.nextToken();
        assertThat(token).isNotNull();
        JournalStatus before = actionTrail.journalStatus();

        long started = System.nanoTime();
        actionTrail.close(Duration.ofSeconds(10));
        actionTrail = open();
        JournalStatus after = actionTrail.journalStatus();
        System.out.printf("LookupIT: reopened %d segments in %.2f s%n", after.segments(), seconds(started));
        assertThat(after.nextPosition()).isEqualTo(before.nextPosition()).isEqualTo(EVENTS);
        assertThat(after.segments()).isEqualTo(before.segments());
        assertThat(after.corruptLines()).isZero();
        assertThat(after.recoveredTornBytes()).isZero();

        int[] rest = allPages(q, token, new int[1]);
        int[] expected = oracle(q, count.get(), Integer.MAX_VALUE);
        int[] seen = new int[first.events().size() + rest.length];
        System.arraycopy(ids(first), 0, seen, 0, first.events().size());
        System.arraycopy(rest, 0, seen, first.events().size(), rest.length);
        assertThat(seen).containsExactly(expected);

        for (int k = 0; k < 60; k++) {
            int[] f = noFilter();
            int a = random.nextInt(ATTRIBUTES);
            int b = (a + 1 + random.nextInt(ATTRIBUTES - 1)) % ATTRIBUTES;
            f[a] = anyValue(a);
            f[b] = anyValue(b);
            checkFirstPage(query(f, k % 4, pageSize()));
        }
    }

    @Test
    @Order(7)
    void pagingVisitsEachMatchOnceWhileAnotherThreadKeepsRecording() throws InterruptedException {
        // a window over the last 3 days and beyond; the writer records inside and outside it
        int[] filter = noFilter();
        filter[1] = 0; // eventRW = READ
        filter[9] = 0; // outcome = SUCCESS
        Instant start = NOW.minus(Duration.ofDays(3));
        Instant end = NOW.plus(Duration.ofDays(1));
        Query q = new Query(filter, start, end, 200);
        int base = count.get();

        Semaphore permits = new Semaphore(0);
        AtomicInteger recorded = new AtomicInteger();
        AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        Random lateRandom = new Random(99);
        Thread writer = new Thread(
                () -> {
                    try {
                        for (int k = 0; k < MAX_LATE; k++) {
                            permits.acquire();
                            int i = base + k;
                            long time = lateRandom.nextBoolean()
                                    ? start.toEpochMilli() + lateRandom.nextLong(4 * 24 * HOUR) // inside
                                    : start.toEpochMilli() - 1 - lateRandom.nextLong(24 * HOUR); // before
                            generate(lateRandom, i, time);
                            count.set(i + 1);
                            actionTrail.record(event(i));
                            recorded.set(k + 1);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException | Error e) {
                        failure.set(e);
                    }
                },
                "late-writer");
        writer.start();
        try {
            permits.release(500);
            await().atMost(Duration.ofSeconds(30)).until(() -> recorded.get() == 500);

            permits.release(100); // these are recorded while the first page is read
            int recordedBeforeFirst = recorded.get();
            LookupResult page = actionTrail.lookup(q.toLookup(null));
            int recordedAfterFirst = recorded.get();
            int[] firstIds = ids(page);
            List<int[]> pages = new ArrayList<>();
            pages.add(firstIds);
            String token = page.nextToken();
            while (token != null) {
                permits.release(100); // more events, recorded while the next page is read
                page = actionTrail.lookup(q.toLookup(token));
                pages.add(ids(page));
                token = page.nextToken();
            }
            int recordedAtEnd = recorded.get();

            writer.interrupt();
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(writer.isAlive()).isFalse();
            assertThat(failure.get()).isNull();

            int[] visited = pages.stream().flatMapToInt(Arrays::stream).toArray();
            Set<Integer> unique = new HashSet<>();
            for (int i : visited) {
                assertThat(unique.add(i)).as("event %d visited twice", i).isTrue();
            }
            for (int k = 1; k < visited.length; k++) {
                assertThat(visited[k]).as("newest first").isLessThan(visited[k - 1]);
            }
            // every match recorded before the first page, exactly once, in journal order
            int[] old = Arrays.stream(visited).filter(i -> i < base).toArray();
            assertThat(old).containsExactly(oracle(q, base, Integer.MAX_VALUE));
            int expectedLate = 0;
            int lateAfterFirstThatMatch = 0;
            for (int k = 0; k < recorded.get(); k++) {
                int i = base + k;
                boolean match = matches(q, i);
                boolean seen = unique.contains(i);
                if (match && k < recordedBeforeFirst) {
                    assertThat(seen)
                            .as("late event %d recorded before the first page", k)
                            .isTrue();
                    expectedLate++;
                }
                if (k > recordedAfterFirst) {
                    // recorded after the first page returned: never on any page
                    assertThat(seen)
                            .as("late event %d recorded after the first page", k)
                            .isFalse();
                    lateAfterFirstThatMatch += match ? 1 : 0;
                }
                if (seen) {
                    assertThat(match).as("late event %d matches", k).isTrue();
                }
            }
            System.out.printf(
                    "LookupIT: paged %,d matches in %,d pages of %d while %,d events were recorded"
                            + " (%,d of them matching and in the window after the first page); %,d late events"
                            + " recorded before the first page matched%n",
                    old.length, pages.size(), q.maxResults(), recordedAtEnd, lateAfterFirstThatMatch, expectedLate);
            assertThat(pages).hasSizeGreaterThan(20);
            assertThat(recordedAtEnd).isGreaterThan(recordedAfterFirst + 1000);
            assertThat(lateAfterFirstThatMatch).isGreaterThan(50);
            assertThat(expectedLate).isGreaterThan(0);
        } finally {
            writer.interrupt();
        }
    }

    private void report(String what, int checkedBefore, long started) {
        System.out.printf(
                "LookupIT: %s: %d queries against the oracle in %.1f s (so far %d empty, %d full first pages)%n",
                what, checked - checkedBefore, seconds(started), emptyPages, fullPages);
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
