package io.actiontrail.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.integrity.VerifierKey;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.Warnings;
import io.actiontrail.query.Attribute;
import io.actiontrail.query.Condition;
import io.actiontrail.query.LookupQuery;
import io.actiontrail.query.LookupResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM ({@link CrashChild}) with SIGKILL while it records from four threads, over and over on the
 * same journal, and checks after each kill and after a final clean drain that the journal kept what it promised:
 * with {@link Durability#SYNC} every acknowledged event, with {@link Durability#GROUP} all but those acknowledged
 * within the fsync interval before the kill; that nothing in the journal is corrupt, that every journaled event
 * reaches the sink, and that an event delivered twice is the same event, byte for byte; some kills are aimed at the
 * moment a sealed segment's query index is not yet written, and at the end every journaled event is looked up by
 * every attribute the index keeps.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class CrashIT {

    private static final int MIN_KILLS = 20;
    /** More kills, up to this, until kills have landed both during a segment roll and during a cursor write. */
    private static final int MAX_KILLS = 40;

    private static final int MIN_DELAY_MILLIS = 100;
    private static final int MAX_DELAY_MILLIS = 700;
    /**
     * The recording time before the last kill: longer than the fsync window, so that a journal whose writer falls
     * further and further behind cannot hide it behind short runs.
     */
    private static final int LONG_RUN_MILLIS = 3000;
    /** How long an aimed kill watches the disk for a roll or a cursor write before killing anyway. */
    private static final int AIM_MILLIS = 2000;

    /** Kills in the loss-window test: enough that a rare slow fsync or roll shows. */
    private static final int WINDOW_KILLS = 100;
    /** Its recording times: longer than the fsync interval, so that the window is full at every kill. */
    private static final int WINDOW_MIN_DELAY_MILLIS = 120;

    private static final int WINDOW_MAX_DELAY_MILLIS = 300;

    private static final Duration FSYNC_INTERVAL = ActionTrail.DEFAULT_FSYNC_INTERVAL;
    /**
     * How much older than the fsync interval a lost GROUP event may be, seen from the parent: it reads the
     * acknowledgements late, and a slow disk or a busy CI stalls the writer and the callers alike.
     */
    private static final Duration LOSS_TOLERANCE = Duration.ofSeconds(1);

    private static final int SIGKILL_EXIT = 128 + 9;

    private static final Pattern EVENT_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final Pattern ACK = Pattern.compile("ACK (" + EVENT_ID.pattern() + ") (-?\\d+) (-?\\d+)");
    private static final Pattern OPEN = Pattern.compile("OPEN torn=(\\d+) corrupt=(\\d+) next=(\\d+)");
    private static final Pattern DRAINED = Pattern.compile(
            "DRAINED flushed=(true|false) recorded=(\\d+) delivered=(\\d+) pending=(\\d+) dropped=(\\d+)");

    @TempDir
    Path root;

    private final List<Child> children = new ArrayList<>();

    @AfterEach
    void destroyChildren() throws InterruptedException {
        for (Child child : children) {
            child.process.destroyForcibly();
            child.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void syncModeKeepsEveryAcknowledgedEventThroughRepeatedSigkills() throws Exception {
        CrashSummary summary = crashRepeatedlyThenDrain(Durability.SYNC);

        assertThat(summary.lost)
                .as("acknowledged SYNC events missing after a kill")
                .isEmpty();
        assertThat(summary.acked).isGreaterThan(1000);
    }

    @Test
    void groupModeLosesOnlyEventsAcknowledgedWithinTheFsyncWindowBeforeTheKill() throws Exception {
        CrashSummary summary = crashRepeatedlyThenDrain(Durability.GROUP);

        assertLossWindow(summary.lost);
        assertThat(summary.acked).isGreaterThan(1000);
    }

    /**
     * The documented {@link Durability#GROUP} bound, over many short runs: a kill loses only events whose
     * {@code record} call returned less than {@code fsyncInterval} before the child's last {@code record} call began
     * (callers wait rather than acknowledge an event while an older one is not fsynced after that long). The child
     * takes both times with its own clock, so that how fast the parent reads does not enter. No tamper evidence and
     * no aimed kills here: the other tests check those; this one only counts kills.
     */
    @Test
    void groupModeLosesAtMostTheEventsOfTheLastFsyncIntervalOverAHundredKills() throws Exception {
        long seed = Long.getLong("crashit.seed", System.nanoTime());
        System.out.printf("CrashIT GROUP window: seed %d (rerun with -Dcrashit.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        Path dataDir = root.resolve("journal");
        JournalScan journal = new JournalScan(dataDir);
        long acked = 0;
        long killsWithLoss = 0;
        List<Lost> lost = new ArrayList<>();
        long started = System.nanoTime();
        for (int kill = 0; kill < WINDOW_KILLS; kill++) {
            Child child = start("record", dataDir, Durability.GROUP);
            Matcher open = match(OPEN, child.open.get(60, TimeUnit.SECONDS));
            assertThat(Long.parseLong(open.group(2)))
                    .as("corrupt lines found at restart %d", kill)
                    .isZero();
            child.ready.get(60, TimeUnit.SECONDS);
            Thread.sleep(
                    WINDOW_MIN_DELAY_MILLIS + random.nextInt(WINDOW_MAX_DELAY_MILLIS - WINDOW_MIN_DELAY_MILLIS + 1));
            long killNanos = System.nanoTime();
            long killMillis = System.currentTimeMillis();
            child.kill();

            JournalScan.Result onDisk = journal.scan();
            assertThat(onDisk.duplicates).as("event ids journaled twice").isEmpty();
            List<Ack> acks = child.acks();
            acked += acks.size();
            List<Lost> lostNow = lost(acks, onDisk.ids(), killNanos, killMillis);
            killsWithLoss += lostNow.isEmpty() ? 0 : 1;
            lost.addAll(lostNow);
            children.remove(child);
        }
        long maxBeforeLastCall = 0;
        long maxReadAge = 0;
        for (Lost l : lost) {
            maxBeforeLastCall = Math.max(maxBeforeLastCall, l.beforeLastCallNanos);
            maxReadAge = Math.max(maxReadAge, l.readAgeMillis);
        }
        System.out.printf(
                "CrashIT GROUP window: %d kills, %d events acknowledged, %d lost in %d kills; a lost event's call"
                        + " returned at most %.1f ms before the last call began (fsyncInterval %d ms), its"
                        + " acknowledgement read at most %d ms before the kill; %.1f s%n",
                WINDOW_KILLS,
                acked,
                lost.size(),
                killsWithLoss,
                maxBeforeLastCall / 1e6,
                FSYNC_INTERVAL.toMillis(),
                maxReadAge,
                (System.nanoTime() - started) / 1e9);
        assertLossWindow(lost);
        assertThat(acked).isGreaterThan(1000);
    }

    private static void assertLossWindow(List<Lost> lost) {
        for (Lost l : lost) {
            assertThat(l.beforeLastCallNanos)
                    .as("how long before the last record call began lost event %s was acknowledged, in ns", l.eventId)
                    .isLessThanOrEqualTo(FSYNC_INTERVAL.toNanos());
            assertThat(l.readAgeMillis)
                    .as(
                            "how long before the kill lost event %s was acknowledged (created %d ms before)",
                            l.eventId, l.ageMillis())
                    .isLessThanOrEqualTo(FSYNC_INTERVAL.plus(LOSS_TOLERANCE).toMillis());
        }
    }

    @Test
    void aSecondProcessOpeningTheSameDataDirGetsAClearErrorAndTheHolderKeepsRecording() throws Exception {
        Path dataDir = root.resolve("journal");
        Child holder = start("record", dataDir, Durability.SYNC);
        holder.ready.get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> holder.ackCount() >= 50);

        assertThatThrownBy(() -> ActionTrail.builder()
                        .serviceName("intruder")
                        .dataDir(dataDir)
                        .durability(Durability.SYNC)
                        .shutdownHook(false)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dataDir.toAbsolutePath().toString())
                .hasMessageContaining("in use");

        int before = holder.ackCount();
        await().atMost(Duration.ofSeconds(30)).until(() -> holder.ackCount() >= before + 50);
        holder.kill();
        Set<String> journaled = new JournalScan(dataDir).scan().ids();
        assertThat(journaled).containsAll(holder.ackedIds());

        // once the holder is gone, its lock is too
        try (ActionTrail reopened = ActionTrail.builder()
                .serviceName("successor")
                .dataDir(dataDir)
                .durability(Durability.SYNC)
                .segmentBytes(CrashChild.SEGMENT_BYTES)
                .shutdownHook(false)
                .build()) {
            assertThat(reopened.journalStatus().nextPosition()).isEqualTo(journaled.size());
            assertThat(reopened.journalStatus().corruptLines()).isZero();
        }
    }

    // ---------------------------------------------------------------- the crash loop

    private CrashSummary crashRepeatedlyThenDrain(Durability durability) throws Exception {
        long seed = Long.getLong("crashit.seed", System.nanoTime());
        System.out.printf("CrashIT %s: seed %d (rerun with -Dcrashit.seed=%d)%n", durability, seed, seed);
        Random random = new Random(seed);
        Path dataDir = root.resolve("journal");
        Path delivered = root.resolve(CrashChild.DELIVERED_DIR);
        // the journal keeps tamper evidence: after every kill, the log, its checkpoints and the journal must agree
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.write(root.resolve(CrashChild.SIGNING_KEY), key.getPrivate().getEncoded());
        VerifierKey verifierKey = VerifierKey.of(CrashChild.ORIGIN, key.getPublic());
        Path cursorTemp = dataDir.resolve("cursors")
                .resolve(CrashChild.TRAIL + "~" + CrashChild.SINK + ".cursor" + Files2.TEMP_SUFFIX);
        JournalScan journal = new JournalScan(dataDir);
        CrashSummary summary = new CrashSummary();
        long started = System.nanoTime();

        boolean longRunDone = false;
        while (!longRunDone) {
            boolean enough = summary.kills >= MIN_KILLS
                    && ((summary.killsDuringRoll > 0
                                    && summary.killsDuringCursorWrite > 0
                                    && summary.killsDuringIndexWrite > 0)
                            || summary.kills >= MAX_KILLS);
            Child child = start("record", dataDir, durability);
            Matcher open = match(OPEN, child.open.get(60, TimeUnit.SECONDS));
            assertThat(Long.parseLong(open.group(2)))
                    .as("corrupt lines found at restart %d", summary.kills)
                    .isZero();
            summary.tornBytesCut += Long.parseLong(open.group(1));
            child.ready.get(60, TimeUnit.SECONDS);

            int delay = MIN_DELAY_MILLIS + random.nextInt(MAX_DELAY_MILLIS - MIN_DELAY_MILLIS + 1);
            if (enough) {
                delay = LONG_RUN_MILLIS;
                longRunDone = true;
            }
            Thread.sleep(delay);
            if (!enough) {
                // random kills land in a roll or a cursor write only now and then: aim some kills at them by
                // watching the disk, so that both are covered in every run, not only in lucky ones
                if (summary.killsDuringIndexWrite == 0 && summary.kills % 3 == 2) {
                    pollUntil(journal::indexing, AIM_MILLIS);
                } else if (summary.killsDuringRoll == 0 && summary.kills % 2 == 0) {
                    pollUntil(journal::rolling, AIM_MILLIS);
                } else if (summary.killsDuringCursorWrite == 0 && summary.kills % 2 == 1) {
                    pollUntil(() -> Files.exists(cursorTemp), AIM_MILLIS);
                }
            }
            long killNanos = System.nanoTime();
            long killMillis = System.currentTimeMillis();
            child.kill();
            summary.kills++;

            // what the kill interrupted, seen on disk while the child is dead
            JournalScan.Result onDisk = journal.scan();
            if (onDisk.rollInProgress) {
                summary.killsDuringRoll++;
            }
            if (Files.exists(cursorTemp)) {
                summary.killsDuringCursorWrite++;
            }
            if (journal.indexing()) {
                summary.killsDuringIndexWrite++;
            }
            summary.tornBytesAtKills += onDisk.tornTailBytes;
            VerificationReport verified = ActionTrail.verify(dataDir, List.of(verifierKey), Duration.ofMinutes(1));
            assertThat(verified.findings())
                    .as("tamper evidence after kill %d: %s", summary.kills, verified.text())
                    .isEmpty();
            summary.verifiedEntries += verified.entries();
            assertThat(onDisk.duplicates).as("event ids journaled twice").isEmpty();

            List<Ack> acks = child.acks();
            summary.acked += acks.size();
            List<Lost> lostNow = lost(acks, onDisk.ids(), killNanos, killMillis);
            for (Ack ack : acks) {
                summary.ackedIds.add(ack.eventId);
            }
            if (durability == Durability.SYNC) {
                assertThat(lostNow)
                        .as("acknowledged events missing from the journal after kill %d", summary.kills)
                        .isEmpty();
            }
            summary.lost.addAll(lostNow);
        }

        assertThat(summary.killsDuringRoll)
                .as("kills that landed during a segment roll")
                .isPositive();
        assertThat(summary.killsDuringIndexWrite)
                .as("kills that landed while the newest sealed segment's query index was not written yet")
                .isPositive();
        assertThat(summary.killsDuringCursorWrite)
                .as("kills that landed during a cursor write")
                .isPositive();

        Child drain = start("drain", dataDir, durability);
        Matcher open = match(OPEN, drain.open.get(60, TimeUnit.SECONDS));
        assertThat(Long.parseLong(open.group(2)))
                .as("corrupt lines found by the drain")
                .isZero();
        summary.tornBytesCut += Long.parseLong(open.group(1));
        Matcher drained = match(DRAINED, drain.drained.get(120, TimeUnit.SECONDS));
        assertThat(drain.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.process.exitValue()).as("exit code of the drain").isZero();
        assertThat(drained.group(1)).as("the drain flushed").isEqualTo("true");
        assertThat(Long.parseLong(drained.group(4)))
                .as("pending after the drain")
                .isZero();
        assertThat(Long.parseLong(drained.group(5))).as("dropped").isZero();

        // the journal after a clean close: every line a valid event, no id twice, every acknowledged event but the
        // lost ones
        Map<String, String> journaled = journal.fullScan(); // id -> SHA-256 of the line
        Set<String> lostIds = new HashSet<>();
        for (Lost lost : summary.lost) {
            lostIds.add(lost.eventId);
        }
        Set<String> missing = new HashSet<>(summary.ackedIds);
        missing.removeAll(journaled.keySet());
        assertThat(missing).as("acknowledged events missing from the journal").isEqualTo(lostIds);

        // the sink: every journaled event, nothing else, and a duplicate is the same bytes again
        Set<String> deliveredIds = new HashSet<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(delivered)) {
            files = list.sorted().toList();
        }
        for (Path file : files) {
            if (file.getFileName().toString().endsWith(Files2.TEMP_SUFFIX)) {
                summary.sinkTempFiles++; // a batch the kill interrupted before the sink accepted it
                continue;
            }
            summary.deliveredFiles++;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String id = AuditEvent.fromJson(line).eventId();
                summary.delivered++;
                // every copy, a duplicate too, is the journaled line byte for byte (compared by SHA-256)
                byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
                assertThat(JournalScan.digest(utf8, 0, utf8.length))
                        .as("delivered event %s against the journal: %s", id, line)
                        .isEqualTo(journaled.get(id));
                if (!deliveredIds.add(id)) {
                    summary.duplicatesDelivered++;
                }
            }
        }
        assertThat(deliveredIds)
                .as("event ids the sink received, against the journal")
                .isEqualTo(journaled.keySet());

        assertEveryJournaledEventIsFoundByEveryIndexedAttribute(dataDir, journal);

        VerificationReport verified = ActionTrail.verify(dataDir, List.of(verifierKey), Duration.ofMinutes(1));
        assertThat(verified.findings())
                .as("tamper evidence after the drain: %s", verified.text())
                .isEmpty();
        assertThat(verified.entries()).as("entries verified after the drain").isEqualTo(journaled.size());

        summary.journaled = journaled.size();
        summary.seconds = (System.nanoTime() - started) / 1e9;
        System.out.println("CrashIT " + durability + ": " + summary);
        return summary;
    }

    /**
     * Opens the journal the kills and the drain left and looks every event up by each attribute the query index
     * keeps, once the index of every sealed segment is loaded or rebuilt: each lookup returns exactly the journaled
     * events with that value, and reads only those lines (the index chose them).
     */
    private static void assertEveryJournaledEventIsFoundByEveryIndexedAttribute(Path dataDir, JournalScan scan)
            throws IOException {
        List<AuditEvent> events = scan.events();
        JournalSettings settings = new JournalSettings(
                dataDir,
                Durability.GROUP,
                FSYNC_INTERVAL,
                CrashChild.SEGMENT_BYTES,
                Duration.ofDays(1),
                1L << 40,
                1 << 20,
                true);
        try (DiskJournal journal = new DiskJournal(settings, java.time.Clock.systemUTC(), new Warnings())) {
            journal.start(Thread::new);
            QueryIndex index = java.util.Objects.requireNonNull(journal.queryIndex());
            List<Segment> sealed =
                    journal.segments().subList(0, journal.segments().size() - 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> sealed.stream().allMatch(index::indexed));
            JournalLookup lookup = new JournalLookup(journal, java.time.Clock.systemUTC(), Duration.ofDays(1));
            Instant start = Instant.now().minus(Duration.ofHours(6));

            Map<Condition, List<String>> expected = new java.util.LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            for (AuditEvent e : events) {
                ids.add(e.eventId());
                for (Attribute attribute : Attribute.values()) {
                    if (attribute == Attribute.EVENT_ID) {
                        continue;
                    }
                    for (String value : attribute.valuesOf(e)) {
                        expected.computeIfAbsent(Condition.is(attribute, value), c -> new ArrayList<>())
                                .add(e.eventId());
                    }
                }
            }
            for (int i = 0; i < ids.size(); i += 500) {
                List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 500));
                expected.put(Condition.anyOf(Attribute.EVENT_ID, chunk), chunk);
            }
            assertThat(expected.keySet().stream().map(Condition::attribute).distinct())
                    .as("attributes with values in the crash events")
                    .hasSize(Attribute.values().length);

            long scannedBefore = journal.linesScanned();
            long want = 0;
            long pages = 0;
            for (Map.Entry<Condition, List<String>> e : expected.entrySet()) {
                LookupQuery query = LookupQuery.builder()
                        .where(e.getKey())
                        .startTime(start)
                        .order(LookupQuery.Order.OLDEST_FIRST)
                        .maxResults(1000)
                        .build();
                List<String> found = new ArrayList<>();
                LookupQuery page = query;
                while (page != null) {
                    LookupResult result = lookup.lookup(page);
                    pages++;
                    result.events().forEach(event -> found.add(event.eventId()));
                    page = query.next(result);
                }
                assertThat(found).as("lookup %s", e.getKey()).isEqualTo(e.getValue());
                want += e.getValue().size();
            }
            assertThat(journal.linesScanned() - scannedBefore)
                    .as("lines read by the lookups, against the lines they returned")
                    .isLessThanOrEqualTo(want + pages);
        }
    }

    /**
     * The acknowledged events missing from the journal after a kill, each with how long before the kill the parent
     * read its acknowledgement, and how long before the child's last {@code record} call began its own returned.
     */
    private static List<Lost> lost(List<Ack> acks, Set<String> journaled, long killNanos, long killMillis) {
        long lastBegin = Long.MIN_VALUE;
        for (Ack ack : acks) {
            lastBegin = Math.max(lastBegin, ack.beginNanos);
        }
        List<Lost> lost = new ArrayList<>();
        for (Ack ack : acks) {
            if (!journaled.contains(ack.eventId)) {
                lost.add(new Lost(
                        ack.eventId,
                        killMillis,
                        TimeUnit.NANOSECONDS.toMillis(killNanos - ack.readNanos),
                        lastBegin - ack.endNanos));
            }
        }
        return lost;
    }

    /** A condition on the files of a running child. */
    private interface DiskCondition {
        boolean holds() throws IOException;
    }

    /** Polls the disk until the condition holds or the time is up; the kill follows at once. */
    private static void pollUntil(DiskCondition condition, long maxMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // a file went away while listed: the child is busy, look again
            }
            Thread.onSpinWait();
        }
    }

    private static Matcher match(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        assertThat(m.matches()).as("child said %s", line).isTrue();
        return m;
    }

    private Child start(String mode, Path dataDir, Durability durability) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CrashChild.class.getName(),
                mode,
                dataDir.toString(),
                durability.name(),
                Long.toString(FSYNC_INTERVAL.toMillis()));
        Path stderr = root.resolve("child-" + children.size() + ".err");
        builder.redirectError(stderr.toFile());
        Child child = new Child(builder.start(), stderr);
        children.add(child);
        return child;
    }

    // ---------------------------------------------------------------- the child, as the parent sees it

    /**
     * An acknowledgement: the event, when the child's {@code record} call began and returned (the child's
     * {@link System#nanoTime()}), and when the parent read it (the parent's).
     */
    private record Ack(String eventId, long beginNanos, long endNanos, long readNanos) {}

    private static final class Child {
        final Process process;
        final Path stderr;
        final CompletableFuture<String> open = new CompletableFuture<>();
        final CompletableFuture<String> ready = new CompletableFuture<>();
        final CompletableFuture<String> drained = new CompletableFuture<>();
        private final List<Ack> acks = new ArrayList<>();
        private final List<String> other = new ArrayList<>();
        private final Thread reader;

        Child(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            this.reader = new Thread(this::read, "crash-child-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    long now = System.nanoTime();
                    Matcher ack = ACK.matcher(line);
                    if (ack.matches()) {
                        synchronized (acks) {
                            acks.add(new Ack(
                                    ack.group(1), Long.parseLong(ack.group(2)), Long.parseLong(ack.group(3)), now));
                        }
                    } else if (line.startsWith("OPEN ")) {
                        open.complete(line);
                    } else if (line.equals("READY")) {
                        ready.complete(line);
                    } else if (line.startsWith("DRAINED ")) {
                        drained.complete(line);
                    } else {
                        synchronized (acks) {
                            other.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                // the stream ends with the process
            } finally {
                IllegalStateException ended = new IllegalStateException("the child ended; unexpected output "
                        + otherLines() + "; its standard error is in " + stderr + ":\n" + tail(stderr));
                open.completeExceptionally(ended);
                ready.completeExceptionally(ended);
                drained.completeExceptionally(ended);
            }
        }

        int ackCount() {
            synchronized (acks) {
                return acks.size();
            }
        }

        List<Ack> acks() {
            synchronized (acks) {
                return List.copyOf(acks);
            }
        }

        List<String> ackedIds() {
            List<String> ids = new ArrayList<>();
            for (Ack ack : acks()) {
                ids.add(ack.eventId);
            }
            return ids;
        }

        private List<String> otherLines() {
            synchronized (acks) {
                return List.copyOf(other);
            }
        }

        /** Kills with SIGKILL, waits until the process and its output have ended. */
        void kill() throws InterruptedException {
            assertThat(process.isAlive())
                    .as("the child is alive before the kill")
                    .isTrue();
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("exit code: killed by SIGKILL").isEqualTo(SIGKILL_EXIT);
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(reader.isAlive()).isFalse();
            assertThat(otherLines()).as("unexpected output of the child").isEmpty();
        }

        private static String tail(Path file) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }
    }

    // ---------------------------------------------------------------- the journal, as the files show it

    /**
     * Reads the segment files directly, independent of the library: every complete line must be a valid event; only
     * the newest segment may end in an incomplete line (a write the kill interrupted). Sealed segments, those with
     * an index sidecar, never change again and are read once.
     */
    private static final class JournalScan {
        private final Path dir;
        private final Map<String, List<String>> sealed = new HashMap<>();

        JournalScan(Path dir) {
            this.dir = dir;
        }

        record Result(Set<String> ids, Set<String> duplicates, long tornTailBytes, boolean rollInProgress) {}

        Result scan() throws IOException {
            List<Path> segments = segments();
            Set<String> ids = new HashSet<>();
            Set<String> duplicates = new HashSet<>();
            long torn = 0;
            for (int i = 0; i < segments.size(); i++) {
                Path segment = segments.get(i);
                boolean last = i == segments.size() - 1;
                String name = segment.getFileName().toString();
                List<String> segmentIds = sealed.get(name);
                if (segmentIds == null) {
                    Lines lines = read(segment);
                    assertThat(last || lines.tail == 0)
                            .as("%s ends in an incomplete line but is not the newest segment", name)
                            .isTrue();
                    torn += lines.tail;
                    segmentIds = new ArrayList<>(lines.byId.keySet());
                    duplicates.addAll(lines.duplicates);
                    if (!last && Files.exists(indexOf(segment))) {
                        sealed.put(name, segmentIds);
                    }
                }
                for (String id : segmentIds) {
                    if (!ids.add(id)) {
                        duplicates.add(id);
                    }
                }
            }
            return new Result(ids, duplicates, torn, rolling(segments));
        }

        /** Whether a roll is under way: it creates the next segment first and writes the previous one's index last. */
        /** Whether the newest sealed segment has no query index yet: the indexer writes it, or is about to. */
        boolean indexing() throws IOException {
            List<Path> segments = segments();
            return segments.size() >= 2
                    && !Files.exists(segments.get(segments.size() - 2)
                            .resolveSibling(segments.get(segments.size() - 2).getFileName() + SegmentIndex.SUFFIX));
        }

        /** Every event of the journal, in position order (after a clean close). */
        List<AuditEvent> events() throws IOException {
            List<AuditEvent> events = new ArrayList<>();
            for (Path segment : segments()) {
                for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                    events.add(AuditEvent.fromJson(line));
                }
            }
            return events;
        }

        boolean rolling() throws IOException {
            return rolling(segments());
        }

        private static boolean rolling(List<Path> segments) {
            return segments.size() >= 2 && !Files.exists(indexOf(segments.get(segments.size() - 2)));
        }

        /** After a clean close: every line of every segment complete and valid, no id twice; id to JSON line. */
        Map<String, String> fullScan() throws IOException {
            Map<String, String> all = new HashMap<>();
            for (Path segment : segments()) {
                Lines lines = read(segment);
                assertThat(lines.tail)
                        .as("incomplete line at the end of %s after a clean close", segment)
                        .isZero();
                assertThat(lines.duplicates).as("ids twice in %s", segment).isEmpty();
                for (Map.Entry<String, String> line : lines.byId.entrySet()) {
                    assertThat(all.put(line.getKey(), line.getValue()))
                            .as("event %s journaled twice", line.getKey())
                            .isNull();
                }
            }
            return all;
        }

        private List<Path> segments() throws IOException {
            try (Stream<Path> list = Files.list(dir)) {
                return list.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX))
                        .sorted()
                        .toList();
            }
        }

        private static Path indexOf(Path segment) {
            return segment.resolveSibling(segment.getFileName() + Segment.INDEX_SUFFIX);
        }

        /** Each line's id and the SHA-256 of its bytes: the lines themselves would not fit the heap of a long run. */
        private record Lines(Map<String, String> byId, Set<String> duplicates, long tail) {}

        static String digest(byte[] bytes, int offset, int length) {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(bytes, offset, length);
                return Base64.getEncoder().encodeToString(sha256.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Lines read(Path segment) throws IOException {
            byte[] bytes = Files.readAllBytes(segment);
            Map<String, String> byId = new HashMap<>();
            Set<String> duplicates = new HashSet<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                AuditEvent event;
                try {
                    event = AuditEvent.fromJson(line);
                } catch (IllegalArgumentException e) {
                    throw new AssertionError("corrupt line at offset " + start + " of " + segment + ": " + line, e);
                }
                if (byId.put(event.eventId(), digest(bytes, start, i - start)) != null) {
                    duplicates.add(event.eventId());
                }
                start = i + 1;
            }
            return new Lines(byId, duplicates, bytes.length - start);
        }
    }

    // ---------------------------------------------------------------- figures

    /**
     * An acknowledged event missing from the journal after a kill: how long before the kill the parent read its
     * acknowledgement, and how long before the child's last {@code record} call began this event's call returned.
     */
    private record Lost(String eventId, long killMillis, long readAgeMillis, long beforeLastCallNanos) {
        /** How long before the kill the event was created, from its UUIDv7 time; it may wait in record after that. */
        long ageMillis() {
            long created = Long.parseLong(eventId.substring(0, 8) + eventId.substring(9, 13), 16);
            return killMillis - created;
        }
    }

    private static final class CrashSummary {
        int kills;
        int killsDuringRoll;
        int killsDuringCursorWrite;
        int killsDuringIndexWrite;
        long acked;
        final Set<String> ackedIds = new HashSet<>();
        final List<Lost> lost = new ArrayList<>();
        long tornBytesAtKills;
        long tornBytesCut;
        long journaled;
        long delivered;
        long deliveredFiles;
        long duplicatesDelivered;
        long sinkTempFiles;
        long verifiedEntries;
        double seconds;

        private long maxLostAckAge() {
            long max = 0;
            for (Lost l : lost) {
                max = Math.max(max, l.readAgeMillis);
            }
            return max;
        }

        private double maxLostBeforeLastCallMillis() {
            long max = 0;
            for (Lost l : lost) {
                max = Math.max(max, l.beforeLastCallNanos);
            }
            return max / 1e6;
        }

        @Override
        public String toString() {
            return String.format(
                    "%d kills (%d during a segment roll, %d during a cursor write, %d before a query index was written),"
                            + " %d events acknowledged, %d lost"
                            + " (acknowledged at most %d ms before its kill, returned at most %.1f ms before the last call"
                            + " began), %d torn bytes seen at kills and %d cut at restarts,"
                            + " %d events journaled, %d delivered in %d batch files (%d duplicates, %d batches"
                            + " interrupted), %d entries verified against signed checkpoints across the kills, %.1f s",
                    kills,
                    killsDuringRoll,
                    killsDuringCursorWrite,
                    killsDuringIndexWrite,
                    acked,
                    lost.size(),
                    maxLostAckAge(),
                    maxLostBeforeLastCallMillis(),
                    tornBytesAtKills,
                    tornBytesCut,
                    journaled,
                    delivered,
                    deliveredFiles,
                    duplicatesDelivered,
                    sinkTempFiles,
                    verifiedEntries,
                    seconds);
        }
    }
}
