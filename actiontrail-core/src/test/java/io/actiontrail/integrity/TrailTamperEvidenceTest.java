package io.actiontrail.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.Trail;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trail with tamper evidence feeding two sinks that keep checkpoints next to the events, as real sinks do: one
 * writes lines (events, then the checkpoint line covering them), one writes objects and their manifests. The copies
 * they hold are changed in every way an insider could, each change on its own copy: the offline trail verifier names
 * each change and finds nothing on the untouched copies. The run also restarts once and has a sink refuse its first
 * attempts, so the logs continue across a restart and a retried batch keeps its checkpoint.
 */
class TrailTamperEvidenceTest {

    private static final String ORIGIN = "orders.example/actiontrail";
    private static final Duration HEARTBEAT = Duration.ofMinutes(1);

    @TempDir
    static Path root;

    static Path lines;
    static Path objects;
    static CheckpointSigner signer;
    static CheckpointSigner other;
    static Instant closedAt;

    @BeforeAll
    static void runTrail() throws Exception {
        KeyPair pair = pair();
        signer = CheckpointSigner.ed25519(ORIGIN, pair.getPrivate(), pair.getPublic());
        KeyPair otherPair = pair();
        other = CheckpointSigner.ed25519(ORIGIN, otherPair.getPrivate(), otherPair.getPublic());
        lines = root.resolve("lines.ndjson");
        objects = root.resolve("objects");
        Path data = root.resolve("data");
        AtomicInteger refusals = new AtomicInteger(3);
        for (int run = 0; run < 2; run++) {
            try (ActionTrail trail = start(data, new LinesSink(lines, refusals), new ObjectsSink(objects))) {
                for (int i = 0; i < 400; i++) {
                    trail.record(AuditEvent.builder(i % 3 == 0 ? "DeleteOrder" : "CreateOrder")
                            .eventId("e-" + run + "-" + i)
                            .requestParameters(java.util.Map.of("order", "o-" + i))
                            .build());
                    if (i % 100 == 99) {
                        trail.flush(Duration.ofSeconds(10));
                    }
                }
            }
        }
        closedAt = Instant.now();
        assertThat(refusals.get()).isNegative();
    }

    private static KeyPair pair() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static ActionTrail start(Path dir, AuditSink linesSink, AuditSink objectsSink) {
        return ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .durability(Durability.GROUP)
                .dataDir(dir)
                .integrity(Integrity.builder()
                        .signer(signer)
                        .origin(ORIGIN)
                        .heartbeatInterval(HEARTBEAT)
                        .build())
                .trail(Trail.builder("main")
                        .sink("lines", linesSink)
                        .sink("objects", objectsSink)
                        .build())
                .build();
    }

    private static VerificationReport verify(Path copy, CheckpointSigner... keys) {
        return ActionTrail.verifyTrail(
                copy,
                Arrays.stream(keys).map(CheckpointSigner::verifierKey).toList(),
                HEARTBEAT,
                closedAt.plus(Duration.ofHours(1)));
    }

    private static List<VerificationReport.Kind> kinds(VerificationReport report) {
        return report.findings().stream().map(VerificationReport.Finding::kind).toList();
    }

    // ---- the untouched copies

    @Test
    void untouchedCopiesPass() {
        VerificationReport fromLines = verify(lines, signer);
        assertThat(fromLines.findings()).isEmpty();
        assertThat(fromLines.entries()).isEqualTo(800);
        VerificationReport fromObjects = verify(objects, signer);
        assertThat(fromObjects.findings()).isEmpty();
        assertThat(fromObjects.entries()).isEqualTo(800);
        assertThat(fromObjects.checkpoints()).isGreaterThan(16); // a batch of at most 50, each with its manifest
    }

    @Test
    void eachSinkHasItsOwnLogWhoseLastCheckpointMarksTheCleanStop() throws IOException {
        List<String> all = Files.readAllLines(lines);
        String last = all.get(all.size() - 1);
        assertThat(last).startsWith("{\"actiontrailCheckpoint\":");
        Checkpoint body =
                Checkpoint.parse(TrailManifest.parse("{\"checkpoint\":" + last.substring(last.indexOf(':') + 1))
                        .checkpoint()
                        .text());
        assertThat(body.origin()).isEqualTo(ORIGIN + "/main/lines");
        assertThat(body.size()).isEqualTo(800);
        assertThat(body.extensions()).contains("actiontrail-closed");
    }

    @Test
    void aCopyCheckedWithAnotherKeyIsNotTrusted() {
        assertThat(kinds(verify(lines, other))).contains(VerificationReport.Kind.UNKNOWN_KEY);
        assertThat(kinds(verify(objects, other))).contains(VerificationReport.Kind.UNKNOWN_KEY);
    }

    // ---- a file of lines

    @Test
    void aChangedByteInALineIsFound() throws IOException {
        List<String> all = eventLines(copyLines("byte"));
        Path copy = root.resolve("byte.ndjson");
        List<String> changed = Files.readAllLines(copy);
        int at = changed.indexOf(all.get(250));
        changed.set(at, changed.get(at).replace("o-", "p-"));
        Files.write(copy, changed);
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.MODIFIED);
    }

    @Test
    void theFirstMiddleAndLastEventsDeletedAreFound() throws IOException {
        for (String which : List.of("first", "middle", "last")) {
            Path copy = copyLines("deleted-" + which);
            List<String> all = Files.readAllLines(copy);
            List<String> events = eventLines(copy);
            String victim =
                    switch (which) {
                        case "first" -> events.get(0);
                        case "middle" -> events.get(events.size() / 2);
                        default -> events.get(events.size() - 1);
                    };
            all.remove(victim);
            Files.write(copy, all);
            assertThat(verify(copy, signer).passed()).as(which).isFalse();
        }
    }

    @Test
    void twoLinesSwappedAreFound() throws IOException {
        Path copy = copyLines("swapped");
        List<String> all = Files.readAllLines(copy);
        int a = all.indexOf(eventLines(copy).get(10));
        String line = all.get(a);
        all.set(a, all.get(a + 1));
        all.set(a + 1, line);
        Files.write(copy, all);
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.MODIFIED);
    }

    @Test
    void aCutTailIsFoundFromTheAgeOfTheNewestCheckpoint() throws IOException {
        Path copy = copyLines("cut");
        List<String> all = Files.readAllLines(copy);
        int keep = all.size();
        int checkpointsSeen = 0;
        while (checkpointsSeen < 3) {
            keep--;
            if (all.get(keep).startsWith("{\"actiontrailCheckpoint\"")) {
                checkpointsSeen++;
            }
        }
        Files.write(copy, all.subList(0, keep + 1));
        VerificationReport report = verify(copy, signer);
        assertThat(kinds(report)).containsExactly(VerificationReport.Kind.CUT_TAIL);
        // without the time of the copy, a cut at a checkpoint cannot be told from a trail that is still running
        assertThat(ActionTrail.verifyTrail(copy, List.of(signer.verifierKey()), HEARTBEAT, null)
                        .passed())
                .isTrue();
    }

    @Test
    void aBatchDeliveredTwiceIsNoFindingButAChangedRepeatIs() throws IOException {
        Path copy = copyLines("twice");
        List<String> all = new ArrayList<>(Files.readAllLines(copy));
        // the fourth batch and its checkpoint line, as a sink gets them again when a crash kept the cursor back
        List<Integer> checkpointsAt = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("{\"actiontrailCheckpoint\"")) {
                checkpointsAt.add(i);
            }
        }
        List<String> batch = new ArrayList<>(all.subList(checkpointsAt.get(2) + 1, checkpointsAt.get(3) + 1));
        List<String> twice = new ArrayList<>(all);
        twice.addAll(checkpointsAt.get(3) + 1, batch);
        Files.write(copy, twice);
        VerificationReport report = verify(copy, signer);
        assertThat(report.findings()).isEmpty();
        assertThat(report.entries()).isEqualTo(800);

        Path changed = root.resolve("twice-changed.ndjson");
        batch.set(0, batch.get(0).replace("o-", "r-"));
        List<String> changedTwice = new ArrayList<>(all);
        changedTwice.addAll(checkpointsAt.get(3) + 1, batch);
        Files.write(changed, changedTwice);
        assertThat(verify(changed, signer).passed()).isFalse();
    }

    @Test
    void linesAddedAfterTheLastCheckpointAreUncovered() throws IOException {
        Path copy = copyLines("added");
        List<String> all = new ArrayList<>(Files.readAllLines(copy));
        all.add(eventLines(copy).get(3));
        Files.write(copy, all);
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.UNCOVERED);
    }

    // ---- objects and manifests

    @Test
    void aDeletedObjectIsFound() throws IOException {
        Path copy = copyObjects("deleted-object");
        Files.delete(dataObjects(copy).get(5));
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.DELETED);
    }

    @Test
    void consecutiveObjectsDeletedWithTheirManifestsAreFound() throws IOException {
        Path copy = copyObjects("deleted-run");
        List<Path> data = dataObjects(copy);
        List<Path> manifests = manifests(copy);
        for (int i = 4; i < 6; i++) {
            Files.delete(data.get(i));
        }
        // the manifests naming them go too, as a careful insider would do
        for (Path manifest : manifests) {
            String text = Files.readString(manifest);
            if (text.contains(data.get(4).getFileName().toString())
                    || text.contains(data.get(5).getFileName().toString())) {
                Files.delete(manifest);
            }
        }
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.DELETED);
    }

    @Test
    void theNewestObjectsDeletedWithTheirManifestsAreACutTail() throws IOException {
        Path copy = copyObjects("cut-objects");
        List<Path> data = dataObjects(copy);
        List<Path> manifests = manifests(copy);
        Files.delete(data.get(data.size() - 1));
        Files.delete(manifests.get(manifests.size() - 1)); // the closing checkpoint
        Files.delete(manifests.get(manifests.size() - 2)); // the last batch's
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.CUT_TAIL);
    }

    @Test
    void aChangedByteInACompressedObjectIsFound() throws IOException {
        Path copy = copyObjects("object-byte");
        Path object = dataObjects(copy).get(3);
        String text = new String(gunzip(Files.readAllBytes(object)), StandardCharsets.UTF_8);
        Files.write(object, gzip(text.replaceFirst("o-", "q-").getBytes(StandardCharsets.UTF_8)));
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.MODIFIED);
    }

    @Test
    void aLineRemovedFromAnObjectIsFound() throws IOException {
        Path copy = copyObjects("object-line");
        Path object = dataObjects(copy).get(2);
        List<String> content = new ArrayList<>(
                List.of(new String(gunzip(Files.readAllBytes(object)), StandardCharsets.UTF_8).split("\n")));
        content.remove(1);
        Files.write(object, gzip((String.join("\n", content) + "\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.DELETED);
    }

    @Test
    void aForkIsFound() throws IOException {
        Path copy = copyObjects("fork");
        Path manifest = manifests(copy).get(3);
        TrailManifest original = TrailManifest.parse(Files.readString(manifest));
        Checkpoint body = Checkpoint.parse(original.checkpoint().text());
        byte[] otherRoot = body.rootHash().clone();
        otherRoot[0] ^= 1;
        SignedNote forged = SignedNote.sign(
                new Checkpoint(body.origin(), body.size(), otherRoot, body.extensions()).body(), signer);
        Files.writeString(manifest.resolveSibling("forged.json"), new TrailManifest(forged, List.of()).toJson());
        assertThat(kinds(verify(copy, signer))).contains(VerificationReport.Kind.FORK);
    }

    @Test
    void anObjectNoManifestListsIsUncoveredUnlessItOnlyRepeatsCoveredEvents() throws IOException {
        Path copy = copyObjects("extra-object");
        Path first = dataObjects(copy).get(0);
        // a copy of a batch's object, as a crash between an object and its manifest leaves: no finding
        Files.copy(first, first.resolveSibling("zz-repeat.jsonl.gz"));
        assertThat(verify(copy, signer).findings()).isEmpty();
        // an object with an event no checkpoint covers
        String text = new String(gunzip(Files.readAllBytes(first)), StandardCharsets.UTF_8);
        Files.write(
                first.resolveSibling("zz-extra.jsonl.gz"),
                gzip(text.replaceFirst("o-", "forged-").getBytes(StandardCharsets.UTF_8)));
        assertThat(kinds(verify(copy, signer))).containsExactly(VerificationReport.Kind.UNCOVERED);
    }

    // ---- helpers

    private static Path copyLines(String name) throws IOException {
        Path copy = root.resolve(name + ".ndjson");
        Files.copy(lines, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    private static List<String> eventLines(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(l -> !l.startsWith("{\"actiontrailCheckpoint\""))
                .toList();
    }

    private static Path copyObjects(String name) throws IOException {
        Path target = root.resolve(name);
        try (Stream<Path> files = Files.walk(objects)) {
            for (Path source : files.toList()) {
                Path to = target.resolve(objects.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(source, to);
                }
            }
        }
        return target;
    }

    private static List<Path> dataObjects(Path copy) throws IOException {
        try (Stream<Path> files = Files.list(copy.resolve("data"))) {
            return files.sorted().toList();
        }
    }

    private static List<Path> manifests(Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(copy.resolve("checkpoints"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] bytes) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }

    /** Appends each batch's lines, then its checkpoint line, to one file; refuses its first attempts. */
    private static final class LinesSink implements AuditSink {
        private final Path file;
        private final AtomicInteger refusals;

        LinesSink(Path file, AtomicInteger refusals) {
            this.file = file;
            this.refusals = refusals;
        }

        @Override
        public void write(AuditBatch batch) throws DeliveryException {
            if (refusals.getAndDecrement() > 0) {
                throw DeliveryException.retryable("not yet");
            }
            StringBuilder out = new StringBuilder();
            for (AuditRecord record : batch.records()) {
                out.append(record.json()).append('\n');
            }
            batch.checkpoint()
                    .ifPresent(c -> out.append(TrailManifest.checkpointLine(c)).append('\n'));
            append(out.toString());
        }

        @Override
        public void writeCheckpoint(SignedNote checkpoint) {
            append(TrailManifest.checkpointLine(checkpoint) + "\n");
        }

        private void append(String text) {
            try {
                Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public Batching batching() {
            return Batching.DEFAULT.withMaxEvents(50);
        }
    }

    /** Writes each batch as a gzip object and a manifest, the layout an object store sink uses. */
    private static final class ObjectsSink implements AuditSink {
        private final Path dir;
        private static final AtomicInteger MANIFESTS = new AtomicInteger();

        ObjectsSink(Path dir) {
            this.dir = dir;
        }

        @Override
        public void write(AuditBatch batch) throws DeliveryException {
            try {
                long[] leaves = new long[batch.size()];
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (int i = 0; i < batch.size(); i++) {
                    leaves[i] = batch.leafIndex(i);
                    batch.records().get(i).writeTo(body);
                    body.write('\n');
                }
                String key = "data/" + String.format("%020d", leaves[0]) + ".jsonl.gz";
                Files.createDirectories(dir.resolve("data"));
                Files.write(dir.resolve(key), gzip(body.toByteArray()));
                SignedNote checkpoint = batch.checkpoint().orElseThrow();
                manifest(new TrailManifest(
                        checkpoint, List.of(new TrailManifest.Part(key, TrailManifest.ranges(leaves)))));
            } catch (IOException e) {
                throw DeliveryException.retryable("cannot write: " + e.getMessage());
            }
        }

        @Override
        public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
            try {
                manifest(new TrailManifest(checkpoint, List.of()));
            } catch (IOException e) {
                throw DeliveryException.retryable("cannot write: " + e.getMessage());
            }
        }

        private void manifest(TrailManifest manifest) throws IOException {
            Path file = dir.resolve("checkpoints").resolve(String.format("%08d.json", MANIFESTS.incrementAndGet()));
            Files.createDirectories(file.getParent());
            Files.writeString(file, manifest.toJson());
        }

        @Override
        public Batching batching() {
            return Batching.DEFAULT.withMaxEvents(50);
        }
    }
}
