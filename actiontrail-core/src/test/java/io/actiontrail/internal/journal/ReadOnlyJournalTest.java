package io.actiontrail.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.query.Aggregation;
import io.actiontrail.query.AggregationResult;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.EventStore;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import io.actiontrail.query.ReadOnlyJournal;
import io.actiontrail.query.SearchSyntax;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal directory opened read-only: it answers as the process that owns it does, follows that process's appends,
 * rolls and deletions, uses the index files that are valid, and changes nothing in the directory.
 */
class ReadOnlyJournalTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> SEARCHES = List.of(
            "",
            "resource:Order/o-7",
            "user:u-3 -outcome:Success",
            "action:Delete*",
            "ip:10.0.0.0/24 outcome:denied",
            "-user:u-1,u-2 resourceType:Order",
            "needle-41",
            "order:oldest user:u-4");

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        makeWritable(dataDir);
    }

    private ActionTrail owner(boolean queryIndex) {
        ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("svc")
                .shutdownHook(false)
                .dataDir(dataDir)
                .segmentBytes(64 * 1024)
                .queryIndex(queryIndex)
                .build();
        opened.add(actionTrail);
        return actionTrail;
    }

    private ReadOnlyJournal readOnly() {
        ReadOnlyJournal journal = ActionTrail.openReadOnly(dataDir);
        opened.add(journal);
        return journal;
    }

    static AuditEvent event(int i) {
        String[] actions = {"CreateOrder", "GetOrder", "DeleteOrder"};
        Outcome[] outcomes = {Outcome.SUCCESS, Outcome.SUCCESS, Outcome.FAILURE, Outcome.DENIED};
        return AuditEvent.builder(actions[i % actions.length])
                .userIdentity(UserIdentity.user("p-" + (i % 10), "u-" + (i % 10)))
                .resource("Order", "o-" + (i % 50))
                .sourceIpAddress((i % 3 == 0 ? "10.0.0." : "192.168.1.") + (i % 200))
                .outcome(outcomes[i % outcomes.length])
                .requestParameter("note", "needle-" + i + " " + "x".repeat(300))
                .build();
    }

    private static void record(ActionTrail actionTrail, int from, int to) {
        for (int i = from; i < to; i++) {
            actionTrail.record(event(i));
        }
        await().atMost(TIMEOUT).until(() -> actionTrail.journalStatus().nextPosition() == to);
    }

    /** Every page of a search, as the events' ids. */
    static List<String> ids(EventStore store, String search) {
        List<String> ids = new ArrayList<>();
        LookupQuery query = SearchSyntax.parse(search).maxResults(97).build();
        while (query != null) {
            LookupResult page = store.lookup(query);
            page.events().forEach(e -> ids.add(e.eventId()));
            query = query.next(page);
        }
        return ids;
    }

    private static AggregationResult counts(EventStore store, String search) {
        return store.aggregate(
                new Aggregation(SearchSyntax.parse(search).build(), Duration.ofHours(1), Attribute.USER_NAME, 5));
    }

    private List<Path> files(String suffix) {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitIndexFiles(ActionTrail owner) {
        await().atMost(TIMEOUT)
                .until(() -> files(".qidx").size() == owner.journalStatus().segments() - 1);
    }

    @Test
    void answersEveryLookupAndCountAsTheOwningProcessDoesUsingItsIndexFiles() {
        ActionTrail owner = owner(true);
        record(owner, 0, 3000);
        awaitIndexFiles(owner);
        assertThat(owner.journalStatus().segments()).isGreaterThan(10);

        ReadOnlyJournal journal = readOnly();

        for (String search : SEARCHES) {
            assertThat(ids(journal, search)).as(search).isNotEmpty().isEqualTo(ids(owner.eventStore(), search));
            assertThat(counts(journal, search)).as(search).isEqualTo(counts(owner.eventStore(), search));
        }
        assertThat(journal.nextPosition()).isEqualTo(3000);
        assertThat(journal.firstPosition()).isZero();
        ReadOnlyDiskJournal disk = ((ReadOnlyStore) journal).journal();
        List<Segment> segments = disk.segments();
        assertThat(segments.subList(0, segments.size() - 1)).allSatisfy(s -> assertThat(disk.indexed(s))
                .as("index file of %s in use", s)
                .isTrue());
        // an indexed search reads only its candidates: the 60 events of one resource, not 3000 lines
        long before = ((ReadOnlyStore) journal).linesScanned();
        assertThat(ids(journal, "resource:Order/o-7")).hasSize(60);
        assertThat(((ReadOnlyStore) journal).linesScanned() - before).isLessThan(200);
    }

    @Test
    void scansSegmentsWithoutIndexFiles() throws IOException {
        ActionTrail owner = owner(false);
        record(owner, 0, 1500);
        owner.close();
        for (Path sidecar : files(".idx")) {
            Files.delete(sidecar); // neither time index nor query index: every segment is read
        }
        ReadOnlyJournal journal = readOnly();
        ActionTrail reopened = owner(true); // the owner's answers, with its own index rebuilt
        for (String search : SEARCHES) {
            assertThat(ids(journal, search)).as(search).isEqualTo(ids(reopened.eventStore(), search));
        }
    }

    @Test
    void writesLocksAndDeletesNothingInTheDirectory() throws Exception {
        ActionTrail owner = owner(true);
        record(owner, 0, 2000);
        awaitIndexFiles(owner);
        owner.close();
        // what an owner's recovery would write or delete: a torn last line, an interrupted atomic write, an orphan
        // query index, a missing time-index sidecar and a damaged query index
        List<Path> segments = files(".jsonl");
        Path last = segments.get(segments.size() - 1);
        Files.writeString(last, "{\"eventVersion\":\"1.0\",\"eventId\":\"torn", StandardOpenOption.APPEND);
        Files.writeString(dataDir.resolve("journal.id.tmp"), "interrupted");
        Files.writeString(dataDir.resolve("00000000000999999999-20260101T000000Z.jsonl.qidx"), "orphan");
        Files.delete(files(".idx").get(1));
        Path damaged = files(".qidx").get(2);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(damaged, bytes);
        makeReadOnly(dataDir);
        Map<String, String> before = listing(dataDir);

        try (ReadOnlyJournal journal = ActionTrail.openReadOnly(dataDir)) {
            assertThat(journal.nextPosition()).isEqualTo(2000);
            assertThat(ids(journal, "")).hasSize(2000);
            assertThat(ids(journal, "resource:Order/o-7")).hasSize(40);
            assertThat(counts(journal, "user:u-3").matched()).isEqualTo(200);
            assertThat(journal.scan(0, 5000).events()).hasSize(2000);
            // the owner's lock is not taken: the owning process can start while the directory is open read-only
            makeWritable(dataDir);
            Map<String, String> during = listing(dataDir);
            assertThat(during).isEqualTo(before);
            try (ActionTrail restarted = ActionTrail.builder()
                    .serviceName("svc")
                    .shutdownHook(false)
                    .dataDir(dataDir)
                    .segmentBytes(64 * 1024)
                    .build()) {
                assertThat(restarted.journalStatus().nextPosition()).isEqualTo(2000);
            }
        }
    }

    @Test
    void followsTheOwnersAppendsRollsAndDeletionsWhileItRuns() throws Exception {
        ActionTrail owner = owner(true);
        record(owner, 0, 200);
        ReadOnlyJournal journal = readOnly(); // opened while the owner holds the directory
        AtomicBoolean failed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 200; i < 3000; i++) {
                    owner.record(event(i));
                    if (i % 100 == 0) {
                        Thread.onSpinWait();
                    }
                }
            } catch (RuntimeException e) {
                failed.set(true);
            }
        });
        writer.start();
        List<String> followed = new ArrayList<>();
        long position = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (followed.size() < 3000 && System.nanoTime() < deadline) {
            ReadOnlyJournal.Scan scan = journal.scan(position, 250);
            scan.events().forEach(e -> followed.add(e.eventId()));
            assertThat(scan.nextPosition()).isGreaterThanOrEqualTo(position);
            position = scan.nextPosition();
            ids(journal, "resource:Order/o-1"); // lookups meanwhile do not fail
        }
        writer.join();
        assertThat(failed).isFalse();
        List<String> all = owner
                .eventStore()
                .lookup(LookupQuery.builder()
                        .order(LookupQuery.Order.OLDEST_FIRST)
                        .maxResults(1000)
                        .build())
                .events()
                .stream()
                .map(AuditEvent::eventId)
                .toList();
        assertThat(followed).hasSize(3000).doesNotHaveDuplicates().startsWith(all.toArray(String[]::new));
        assertThat(ids(journal, "")).isEqualTo(ids(owner.eventStore(), ""));

        // retention deletes the oldest segments: the read-only journal forgets them
        List<Path> segments = files(".jsonl");
        long firstKept = Long.parseLong(segments.get(3).getFileName().toString().substring(0, 20));
        for (Path segment : segments.subList(0, 3)) {
            Files.delete(segment);
            Files.deleteIfExists(segment.resolveSibling(segment.getFileName() + ".idx"));
            Files.deleteIfExists(segment.resolveSibling(segment.getFileName() + ".qidx"));
        }
        assertThat(journal.firstPosition()).isEqualTo(firstKept);
        assertThat(ids(journal, "")).hasSize((int) (3000 - firstKept));
        assertThat(journal.scan(0, 10).events().get(0).eventId()).isEqualTo(all.get((int) firstKept));
    }

    @Test
    void aLineIsReadOnceItsWriteIsComplete() throws IOException {
        ActionTrail owner = owner(true);
        record(owner, 0, 10);
        owner.close();
        List<Path> segments = files(".jsonl");
        Path last = segments.get(segments.size() - 1);
        AuditEvent tenth = event(10);
        String line = tenth.toJson() + "\n";
        int half = line.length() / 2;
        Files.writeString(last, line.substring(0, half), StandardOpenOption.APPEND);

        ReadOnlyJournal journal = readOnly();
        assertThat(journal.nextPosition()).isEqualTo(10);
        assertThat(ids(journal, "")).hasSize(10);

        Files.writeString(last, line.substring(half), StandardOpenOption.APPEND);
        assertThat(journal.nextPosition()).isEqualTo(11);
        ReadOnlyJournal.Scan scan = journal.scan(10, 5);
        assertThat(scan.events()).extracting(AuditEvent::eventId).containsExactly(tenth.eventId());
        assertThat(scan.nextPosition()).isEqualTo(11);
        assertThat(journal.scan(11, 5).events()).isEmpty();

        Files.writeString(last, "not an event\n", StandardOpenOption.APPEND);
        assertThat(journal.nextPosition()).isEqualTo(12);
        assertThat(journal.scan(11, 5)).isEqualTo(new ReadOnlyJournal.Scan(List.of(), 12));
    }

    @Test
    void refusesWhatIsNotAJournalAndNeverAppends() throws IOException {
        assertThatThrownBy(() -> ActionTrail.openReadOnly(dataDir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> ActionTrail.openReadOnly(dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no ActionTrail journal in");
        Files.writeString(dataDir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> ActionTrail.openReadOnly(dataDir)).isInstanceOf(IllegalArgumentException.class);

        ActionTrail owner = owner(true);
        record(owner, 0, 3);
        ReadOnlyJournal journal = readOnly();
        assertThatThrownBy(() -> journal.scan(0, 0)).isInstanceOf(IllegalArgumentException.class);
        ReadOnlyDiskJournal disk = ((ReadOnlyStore) journal).journal();
        assertThat(disk.append(io.actiontrail.sink.AuditRecord.of(event(0)), seq -> 0))
                .isEqualTo(-1);
        assertThat(disk.nextSeq()).isEqualTo(3);
        assertThat(journal.directory()).isEqualTo(dataDir);
        assertThat(journal.lookup(LookupQuery.builder()
                                .startTime(Instant.now(Clock.systemUTC()).plusSeconds(60))
                                .build())
                        .events())
                .isEmpty();
    }

    // ---------------------------------------------------------------- the directory's state

    /** Every file's name, size, modification time and SHA-256, and the directory's own modification time. */
    static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        listing.put(".", Files.getLastModifiedTime(dir).toString());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isDirectory(file)) {
                    listing.put(
                            dir.relativize(file) + "/",
                            Files.getLastModifiedTime(file).toString());
                    continue;
                }
                listing.put(
                        dir.relativize(file).toString(),
                        Files.size(file) + " " + Files.getLastModifiedTime(file) + " " + sha256(file));
            }
        }
        return listing;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSIX read-only: enforced for other users, not for root (which these tests may run as); the listing is. */
    static void makeReadOnly(Path dir) throws IOException {
        setPermissions(dir, "r-xr-xr-x", "r--r--r--");
    }

    static void makeWritable(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            setPermissions(dir, "rwxr-xr-x", "rw-r--r--");
        }
    }

    private static void setPermissions(Path dir, String directories, String files) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(
                        file, PosixFilePermissions.fromString(Files.isDirectory(file) ? directories : files));
            }
        }
    }
}
