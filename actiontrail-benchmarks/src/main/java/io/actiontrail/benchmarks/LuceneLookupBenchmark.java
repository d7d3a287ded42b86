package io.actiontrail.benchmarks;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.query.Attribute;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The alternative to the journal's secondary index: an Apache Lucene index of the same {@link QueryData} events,
 * answering the same queries as {@link LookupBenchmark} (same names), so that the choice between the two is made on
 * the same data in the same run. Each event is one document: every value of every {@link Attribute} as a
 * {@link StringField} under the attribute's wire name, the event time as a {@link LongPoint} and a numeric doc value,
 * the outcome as a numeric doc value (the journal's histogram counts failures and denials too), the user name as a
 * sorted doc value (for the top-N) and the event's JSON as a stored field, which is what a page returns, parsed back
 * into {@link AuditEvent}s as the journal's pages are. Built once per fork from one thread, with a 64 MB indexing
 * buffer, Lucene's default merges (no compound files) and one commit at the end, not merged down to one segment; the notes give the indexing rate and the index's bytes on disk.
 *
 * <p>One thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class LuceneLookupBenchmark {

    static final String TIME = "eventTime";
    static final String OUTCOME = "outcome.code";
    static final String USER = "userName.sorted";
    static final String JSON = "json";
    static final int PAGE = 50;
    static final Sort NEWEST_FIRST = new Sort(new SortField(TIME, SortField.Type.LONG, true));
    static final Sort OLDEST_FIRST = new Sort(new SortField(TIME, SortField.Type.LONG));

    @Param({"1000000"})
    public int events = 1_000_000;

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    FSDirectory directory;

    @SuppressWarnings("NullAway.Init")
    DirectoryReader reader;

    @SuppressWarnings("NullAway.Init")
    IndexSearcher searcher;

    long from;
    long to;

    @SuppressWarnings("NullAway.Init")
    Query range;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Fixtures.tempDir("bench-lucene");
        Instant start = QueryData.start();
        from = start.toEpochMilli();
        to = start.plus(QueryData.SPAN).toEpochMilli();
        range = LongPoint.newRangeQuery(TIME, from, to - 1);
        directory = FSDirectory.open(dir);
        long began = System.nanoTime();
        // no compound files, so that the notes can tell the stored JSON from the index by file suffix
        TieredMergePolicy merges = new TieredMergePolicy();
        merges.setNoCFSRatio(0.0);
        IndexWriterConfig config = new IndexWriterConfig()
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(64)
                .setUseCompoundFile(false)
                .setMergePolicy(merges);
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (int i = 0; i < events; i++) {
                writer.addDocument(document(QueryData.event(i, events, start)));
            }
            writer.commit();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        Map<String, Long> bytes = QueryData.bytesBySuffix(dir);
        long total = bytes.values().stream().mapToLong(Long::longValue).sum();
        long stored = bytes.getOrDefault(".fdt", 0L);
        Notes.add(
                "lucene events=" + events,
                String.format(
                        Locale.ROOT,
                        "indexed %,d events in %.1f s (%,.0f events/s, one thread, committed once), %d segments;"
                                + " on disk %.1f MB: stored JSON (.fdt) %.1f MB, everything else %.1f MB; by suffix:"
                                + " %s",
                        reader.numDocs(),
                        seconds,
                        events / seconds,
                        reader.leaves().size(),
                        total / 1e6,
                        stored / 1e6,
                        (total - stored) / 1e6,
                        QueryData.describe(bytes)));
    }

    static Document document(AuditEvent event) {
        Document doc = new Document();
        for (Attribute attribute : Attribute.values()) {
            for (String value : attribute.valuesOf(event)) {
                doc.add(new StringField(attribute.wireName(), value, Field.Store.NO));
            }
        }
        long time = event.eventTime().toEpochMilli();
        doc.add(new LongPoint(TIME, time));
        doc.add(new NumericDocValuesField(TIME, time));
        Outcome outcome = event.outcome();
        doc.add(new NumericDocValuesField(OUTCOME, outcome == Outcome.FAILURE ? 1 : outcome == Outcome.DENIED ? 2 : 0));
        for (String user : Attribute.USER_NAME.valuesOf(event)) {
            doc.add(new SortedDocValuesField(USER, new BytesRef(user)));
        }
        doc.add(new StoredField(JSON, event.toJson()));
        return doc;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        directory.close();
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public List<AuditEvent> byResource() throws IOException {
        long i = ThreadLocalRandom.current().nextInt(events);
        List<AuditEvent> page = page(inRange(Attribute.RESOURCE_NAME, QueryData.order(i)), NEWEST_FIRST);
        LookupBenchmark.check(page.size() == 1, QueryData.order(i), page.size());
        return page;
    }

    @Benchmark
    public List<AuditEvent> firstPageByUser() throws IOException {
        int u = ThreadLocalRandom.current().nextInt(QueryData.USERS);
        List<AuditEvent> page = page(inRange(Attribute.USER_NAME, QueryData.userName(u)), NEWEST_FIRST);
        LookupBenchmark.check(page.size() == PAGE, QueryData.userName(u), page.size());
        return page;
    }

    @Benchmark
    public List<AuditEvent> timelineFirstPage() throws IOException {
        int c = ThreadLocalRandom.current().nextInt(QueryData.CUSTOMERS);
        // a timeline has no time bound, like LookupQuery.timeline's
        List<AuditEvent> page = page(
                new TermQuery(
                        new Term(Attribute.RESOURCE.wireName(), Attribute.resource("Customer", QueryData.customer(c)))),
                OLDEST_FIRST);
        LookupBenchmark.check(!page.isEmpty(), QueryData.customer(c), 0);
        return page;
    }

    /** Events, failures and denials per hour over the 7 days, from the doc values of every event in the range. */
    @Benchmark
    public long[][] hourlyCounts() throws IOException {
        int buckets = (int) ((to - from) / Duration.ofHours(1).toMillis());
        long[][] counts =
                searcher.search(range, new Histograms(from, Duration.ofHours(1).toMillis(), buckets));
        long matched = 0;
        for (long c : counts[0]) {
            matched += c;
        }
        LookupBenchmark.check(matched == events, "hourly counts", matched);
        return counts;
    }

    /** The 10 most active users over the 7 days, from the sorted doc values of every event in the range. */
    @Benchmark
    public List<Map.Entry<String, Long>> topUsers() throws IOException {
        Map<String, Long> counts = searcher.search(range, new UserCounts());
        List<Map.Entry<String, Long>> top = new ArrayList<>(counts.entrySet());
        top.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        List<Map.Entry<String, Long>> ten = List.copyOf(top.subList(0, Math.min(10, top.size())));
        LookupBenchmark.check(ten.size() == 10, "top users", ten.size());
        return ten;
    }

    private Query inRange(Attribute attribute, String value) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(attribute.wireName(), value)), BooleanClause.Occur.FILTER)
                .add(range, BooleanClause.Occur.FILTER)
                .build();
    }

    private List<AuditEvent> page(Query query, Sort sort) throws IOException {
        TopFieldDocs top = searcher.search(query, PAGE, sort);
        StoredFields stored = searcher.storedFields();
        List<AuditEvent> page = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc hit : top.scoreDocs) {
            String json = stored.document(hit.doc).get(JSON);
            if (json == null) {
                throw new IllegalStateException("document " + hit.doc + " has no JSON");
            }
            page.add(AuditEvent.fromJson(json));
        }
        return page;
    }

    /** Counts events, failures and denials per bucket: {@code [0]} events, {@code [1]} failures, {@code [2]} denials. */
    static final class Histograms implements CollectorManager<Histograms.HourCounter, long[][]> {

        private final long from;
        private final long bucket;
        private final int buckets;

        Histograms(long from, long bucket, int buckets) {
            this.from = from;
            this.bucket = bucket;
            this.buckets = buckets;
        }

        @Override
        public HourCounter newCollector() {
            return new HourCounter();
        }

        @Override
        public long[][] reduce(Collection<HourCounter> collectors) {
            long[][] sum = new long[3][buckets];
            for (HourCounter c : collectors) {
                for (int k = 0; k < 3; k++) {
                    for (int b = 0; b < buckets; b++) {
                        sum[k][b] += c.counts[k][b];
                    }
                }
            }
            return sum;
        }

        final class HourCounter extends SimpleCollector {

            final long[][] counts = new long[3][buckets];

            @SuppressWarnings("NullAway.Init")
            private NumericDocValues times;

            @SuppressWarnings("NullAway.Init")
            private NumericDocValues outcomes;

            @Override
            protected void doSetNextReader(LeafReaderContext context) throws IOException {
                times = DocValues.getNumeric(context.reader(), TIME);
                outcomes = DocValues.getNumeric(context.reader(), OUTCOME);
            }

            @Override
            public void collect(int doc) throws IOException {
                if (!times.advanceExact(doc)) {
                    return;
                }
                int b = (int) ((times.longValue() - from) / bucket);
                counts[0][b]++;
                if (outcomes.advanceExact(doc)) {
                    long outcome = outcomes.longValue();
                    if (outcome > 0) {
                        counts[(int) outcome][b]++;
                    }
                }
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        }
    }

    /** Counts events per user name, by ordinal within a segment, by name across segments. */
    static final class UserCounts implements CollectorManager<UserCounts.UserCounter, Map<String, Long>> {

        @Override
        public UserCounter newCollector() {
            return new UserCounter();
        }

        @Override
        public Map<String, Long> reduce(Collection<UserCounter> collectors) throws IOException {
            Map<String, Long> sum = new HashMap<>();
            for (UserCounter c : collectors) {
                c.flush();
                c.counts.forEach((user, n) -> sum.merge(user, n, Long::sum));
            }
            return sum;
        }

        static final class UserCounter extends SimpleCollector {

            final Map<String, Long> counts = new HashMap<>();
            private SortedDocValues users = DocValues.emptySorted();
            private int[] byOrd = new int[0];

            @Override
            protected void doSetNextReader(LeafReaderContext context) throws IOException {
                flush();
                users = DocValues.getSorted(context.reader(), USER);
                byOrd = new int[users.getValueCount()];
            }

            @Override
            public void collect(int doc) throws IOException {
                if (users.advanceExact(doc)) {
                    byOrd[users.ordValue()]++;
                }
            }

            void flush() throws IOException {
                for (int ord = 0; ord < byOrd.length; ord++) {
                    if (byOrd[ord] > 0) {
                        counts.merge(users.lookupOrd(ord).utf8ToString(), (long) byOrd[ord], Long::sum);
                    }
                }
                byOrd = new int[0];
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        }
    }
}
