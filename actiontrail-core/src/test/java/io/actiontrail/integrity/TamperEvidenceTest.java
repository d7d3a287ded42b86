package io.actiontrail.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.UserIdentity;
import io.actiontrail.integrity.VerificationReport.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal with tamper evidence, written by a real instance, then changed on disk in every way an insider could, each
 * on its own copy: the offline verifier names each change, and finds nothing on the untouched copy.
 */
class TamperEvidenceTest {

    private static final String ORIGIN = "orders.example/actiontrail";
    private static final Duration HEARTBEAT = Duration.ofMinutes(1);

    @TempDir
    static Path root;

    static Path original;
    static CheckpointSigner signer;
    static CheckpointSigner other;
    static List<String> eventIds = new ArrayList<>();

    @BeforeAll
    static void writeJournal() throws Exception {
        KeyPair pair = pair();
        signer = CheckpointSigner.ed25519(ORIGIN, pair.getPrivate(), pair.getPublic());
        KeyPair otherPair = pair();
        other = CheckpointSigner.ed25519(ORIGIN, otherPair.getPrivate(), otherPair.getPublic());
        original = root.resolve("original");
        try (ActionTrail trail = start(original, signer)) {
            for (int i = 0; i < 1500; i++) {
                String id = "e-" + i;
                eventIds.add(id);
                trail.record(AuditEvent.builder(i % 3 == 0 ? "DeleteOrder" : "CreateOrder")
                        .eventId(id)
                        .userIdentity(UserIdentity.user("u-" + (i % 17), "user-" + (i % 17)))
                        .requestParameters(java.util.Map.of("order", "o-" + i, "note", "x".repeat(150)))
                        .build());
            }
        }
        assertThat(segments(original)).hasSizeGreaterThanOrEqualTo(4);
    }

    private static KeyPair pair() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static ActionTrail start(Path dir, CheckpointSigner key) {
        return ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .durability(Durability.GROUP)
                .dataDir(dir)
                .segmentBytes(64 * 1024)
                .integrity(Integrity.builder()
                        .signer(key)
                        .origin(ORIGIN)
                        .checkpointInterval(Duration.ofMillis(100))
                        .build())
                .build();
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
    }

    private static Path copy(String name) throws IOException {
        Path target = root.resolve(name);
        try (Stream<Path> files = Files.walk(original)) {
            for (Path source : files.toList()) {
                Path to = target.resolve(original.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(source, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static List<String> lines(Path segment) throws IOException {
        return new ArrayList<>(Files.readAllLines(segment, StandardCharsets.UTF_8));
    }

    private static void write(Path segment, List<String> lines) throws IOException {
        Files.writeString(segment, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }

    private static VerificationReport verify(Path dir, CheckpointSigner... keys) {
        List<VerifierKey> trusted =
                Arrays.stream(keys).map(CheckpointSigner::verifierKey).toList();
        return ActionTrail.verify(dir, trusted, HEARTBEAT);
    }

    private static List<Kind> kinds(VerificationReport report) {
        return report.findings().stream().map(VerificationReport.Finding::kind).toList();
    }

    @Test
    void theUntouchedJournalVerifies() {
        VerificationReport report = verify(original, signer);
        assertThat(report.findings()).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(report.entries()).isEqualTo(1500);
        assertThat(report.checkpoints()).isPositive();
        assertThat(report.text()).startsWith("OK: 0 findings; 1500 entries");
    }

    @Test
    void aChangedByteIsFoundWhereItIs() throws IOException {
        Path dir = copy("modified");
        Path segment = segments(dir).get(1);
        List<String> lines = lines(segment);
        lines.set(5, lines.get(5).replace("CreateOrder", "CreateOrdes").replace("DeleteOrder", "DeleteOrdes"));
        write(segment, lines);
        VerificationReport report = verify(dir, signer);
        assertThat(kinds(report)).containsExactly(Kind.MODIFIED);
        assertThat(report.findings().get(0).position()).isEqualTo(firstPosition(segment) + 5);
        assertThat(report.passed()).isFalse();
    }

    @Test
    void deletedEventsAreFoundFirstMiddleAndLast() throws IOException {
        Path first = copy("deleted-first");
        Path oldest = segments(first).get(0);
        List<String> lines = lines(oldest);
        lines.remove(0);
        write(oldest, lines);
        assertThat(kinds(verify(first, signer))).containsExactly(Kind.DELETED);
        assertThat(verify(first, signer).findings().get(0).position()).isZero();

        Path middle = copy("deleted-middle");
        Path segment = segments(middle).get(2);
        lines = lines(segment);
        lines.remove(10);
        write(segment, lines);
        VerificationReport report = verify(middle, signer);
        assertThat(kinds(report)).containsExactly(Kind.DELETED);
        assertThat(report.findings().get(0).position()).isEqualTo(firstPosition(segment) + 10);

        Path last = copy("deleted-last");
        List<Path> all = segments(last);
        Path newest = all.get(all.size() - 1);
        lines = lines(newest);
        lines.remove(lines.size() - 1);
        write(newest, lines);
        report = verify(last, signer);
        assertThat(kinds(report)).containsExactly(Kind.CUT_TAIL);
        assertThat(report.findings().get(0).position()).isEqualTo(1499);
    }

    @Test
    void aDeletedSegmentFileIsFoundAsTheRangeItHeld() throws IOException {
        Path dir = copy("deleted-segment");
        List<Path> all = segments(dir);
        long from = firstPosition(all.get(2));
        long to = firstPosition(all.get(3));
        Files.delete(all.get(2));
        VerificationReport report = verify(dir, signer);
        assertThat(kinds(report)).containsExactly(Kind.DELETED);
        assertThat(report.findings().get(0).position()).isEqualTo(from);
        assertThat(report.findings().get(0).detail()).contains((to - from) + " entries deleted");
    }

    @Test
    void swappedEventsAreFound() throws IOException {
        Path dir = copy("reordered");
        Path segment = segments(dir).get(1);
        List<String> lines = lines(segment);
        String a = lines.get(3);
        lines.set(3, lines.get(4));
        lines.set(4, a);
        write(segment, lines);
        VerificationReport report = verify(dir, signer);
        assertThat(kinds(report)).containsExactly(Kind.REORDERED);
        assertThat(report.findings().get(0).position()).isEqualTo(firstPosition(segment) + 3);
    }

    @Test
    void aCutTailIsFound() throws IOException {
        Path dir = copy("cut-tail");
        List<Path> all = segments(dir);
        Path newest = all.get(all.size() - 1);
        List<String> lines = lines(newest);
        write(newest, lines.subList(0, lines.size() - 40));
        Files.delete(all.get(all.size() - 2));
        VerificationReport report = verify(dir, signer);
        assertThat(kinds(report)).contains(Kind.CUT_TAIL);
    }

    @Test
    void anEventAddedAfterACleanStopIsFound() throws IOException {
        Path dir = copy("added");
        List<Path> all = segments(dir);
        Path newest = all.get(all.size() - 1);
        List<String> lines = lines(newest);
        lines.add(lines.get(lines.size() - 1).replace("\"e-1499\"", "\"e-forged\""));
        write(newest, lines);
        assertThat(kinds(verify(dir, signer))).containsExactly(Kind.UNCOVERED);
    }

    @Test
    void aChangeToBothTheJournalAndTheKeptHashesIsStillFound() throws IOException {
        Path dir = copy("tree-changed");
        Path segment = segments(dir).get(0);
        List<String> lines = lines(segment);
        String forged = lines.get(2).replace("user-2", "user-X");
        lines.set(2, forged);
        write(segment, lines);
        byte[] hashes = Files.readAllBytes(dir.resolve("integrity/hashes-00"));
        byte[] leaf = Merkle.leafHash(forged.getBytes(StandardCharsets.UTF_8));
        System.arraycopy(leaf, 0, hashes, 2 * 32, 32);
        Files.write(dir.resolve("integrity/hashes-00"), hashes);
        VerificationReport report = verify(dir, signer);
        assertThat(kinds(report)).contains(Kind.DAMAGED_TREE, Kind.MODIFIED);
    }

    @Test
    void checkpointsThatAreForgedChangedOrSignedByAnUnknownKeyAreFound() throws IOException {
        // a fork: the same key signed another tree of a size it already signed
        Path fork = copy("fork");
        byte[] otherRoot = Merkle.leafHash("another tree".getBytes(StandardCharsets.UTF_8));
        appendCheckpoint(fork, SignedNote.sign(new Checkpoint(ORIGIN, 1500, otherRoot, List.of()).body(), signer));
        assertThat(kinds(verify(fork, signer))).contains(Kind.FORK);

        // a changed checkpoint
        Path changed = copy("changed-checkpoint");
        Path file = checkpointFile(changed);
        String text = Files.readString(file);
        int at = text.indexOf("\n1500\n");
        Files.writeString(file, text.substring(0, at) + "\n1501\n" + text.substring(at + 6));
        assertThat(kinds(verify(changed, signer))).contains(Kind.BAD_SIGNATURE);

        // trusted keys that did not sign: every checkpoint is of an unknown key
        VerificationReport unknown = verify(original, other);
        assertThat(kinds(unknown)).contains(Kind.UNKNOWN_KEY, Kind.NO_CHECKPOINT);

        // every checkpoint removed
        Path none = copy("no-checkpoints");
        Files.delete(checkpointFile(none));
        assertThat(kinds(verify(none, signer))).containsExactly(Kind.NO_CHECKPOINT);
    }

    @Test
    void aRemovedHeartbeatIsFound() throws Exception {
        Path dir = root.resolve("heartbeat");
        io.actiontrail.MutableClockAccess clock =
                new io.actiontrail.MutableClockAccess(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        for (int run = 0; run < 2; run++) {
            try (ActionTrail trail = ActionTrail.builder()
                    .serviceName("orders")
                    .shutdownHook(false)
                    .dataDir(dir)
                    .clock(clock.clock())
                    .integrity(Integrity.builder().signer(signer).origin(ORIGIN).build())
                    .build()) {
                trail.record(AuditEvent.builder("CreateOrder").build());
            }
            clock.advance(Duration.ofMinutes(30));
        }
        assertThat(verify(dir, signer).findings()).isEmpty(); // a clean stop explains the silence
        // removing the checkpoint that marks the clean stop leaves 30 minutes without a heartbeat
        Path file = checkpointFile(dir);
        String text = Files.readString(file);
        int closed = text.indexOf("actiontrail-closed");
        int start = text.lastIndexOf("note ", closed);
        int end = text.indexOf("note ", closed);
        Files.writeString(file, text.substring(0, start) + text.substring(end));
        assertThat(kinds(verify(dir, signer))).contains(Kind.MISSING_HEARTBEAT);
    }

    @Test
    void retentionDeletesSegmentsAndEveryRemainingEntryStillVerifies() throws IOException {
        Path dir = root.resolve("retention");
        io.actiontrail.MutableClockAccess clock =
                new io.actiontrail.MutableClockAccess(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .dataDir(dir)
                .clock(clock.clock())
                .segmentBytes(64 * 1024)
                .retention(Duration.ofDays(1))
                .integrity(Integrity.builder().signer(signer).origin(ORIGIN).build())
                .build()) {
            for (int i = 0; i < 1200; i++) {
                if (i == 600) {
                    // the first 600 written (the writer stamps a segment with the clock when it writes) two days ago
                    org.awaitility.Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> trail.lookup(io.actiontrail.query.LookupQuery.builder()
                                                    .startTime(clock.clock()
                                                            .instant()
                                                            .minusSeconds(60))
                                                    .endTime(clock.clock()
                                                            .instant()
                                                            .plusSeconds(60))
                                                    .is(io.actiontrail.query.Attribute.EVENT_ID, "r-599")
                                                    .build())
                                            .events()
                                            .size()
                                    == 1);
                    clock.advance(Duration.ofDays(2));
                }
                trail.record(AuditEvent.builder("CreateOrder")
                        .eventId("r-" + i)
                        .eventTime(clock.clock().instant())
                        .requestParameters(java.util.Map.of("note", "y".repeat(200)))
                        .build());
            }
            assertThat(trail.flush(Duration.ofSeconds(10))).isTrue();
            clock.advance(Duration.ofHours(1));
            io.actiontrail.MutableClockAccess.maintain(trail);
            assertThat(trail.journalStatus().firstPosition()).isPositive();
            InclusionProof proof = trail.inclusionProof("r-1100");
            InclusionProof.parse(proof.text()).verify(signer.verifierKey(), ORIGIN);
        }
        // the test's clock jumped two days in an instant, between heartbeats: the silence is allowed for here
        VerificationReport report = ActionTrail.verify(dir, List.of(signer.verifierKey()), Duration.ofDays(3));
        assertThat(report.findings()).isEmpty();
        assertThat(report.pruned()).isPositive();
        assertThat(report.entries() + report.pruned()).isEqualTo(1200);
        // the checkpoints of the expired day went with its segments; the later ones commit to every entry
        assertThat(dir.resolve("integrity/checkpoints-20261201.notes")).doesNotExist();
        assertThat(dir.resolve("integrity/checkpoints-20261203.notes")).exists();
    }

    @Test
    void aRotatedKeyVerifiesWithBothKeysAndIsFoundWithTheOldOneAlone() throws IOException {
        Path dir = copy("rotated");
        try (ActionTrail trail = start(dir, other)) {
            trail.record(AuditEvent.builder("CreateOrder").build());
        }
        assertThat(verify(dir, signer, other).findings()).isEmpty();
        assertThat(kinds(verify(dir, signer))).contains(Kind.UNKNOWN_KEY);
    }

    @Test
    void anInclusionProofVerifiesWithTheJdkAloneAndForgedOnesAreRejected() throws IOException {
        Path dir = copy("proofs");
        try (ActionTrail trail = start(dir, signer)) {
            InclusionProof proof = trail.inclusionProof("e-777");
            String text = proof.text();
            assertThat(text).startsWith("c2sp.org/tlog-proof@v1\nextra ").contains("\nindex 777\n");
            InclusionProof parsed = InclusionProof.parse(text);
            parsed.verify(signer.verifierKey(), ORIGIN);
            assertThat(parsed.entry()).contains("\"e-777\"");

            // another index, swapped siblings, a truncated path, another entry, another origin, another key
            InclusionProof wrongIndex = new InclusionProof(778, parsed.hashes(), parsed.checkpoint(), bytes(parsed));
            assertThatThrownBy(() -> wrongIndex.verify(signer.verifierKey(), ORIGIN))
                    .isInstanceOf(ProofException.class);
            List<byte[]> swapped = new ArrayList<>(parsed.hashes());
            java.util.Collections.swap(swapped, 0, 1);
            assertThatThrownBy(() -> new InclusionProof(777, swapped, parsed.checkpoint(), bytes(parsed))
                            .verify(signer.verifierKey(), ORIGIN))
                    .isInstanceOf(ProofException.class);
            List<byte[]> truncated = parsed.hashes().subList(0, parsed.hashes().size() - 1);
            assertThatThrownBy(() -> new InclusionProof(777, truncated, parsed.checkpoint(), bytes(parsed))
                            .verify(signer.verifierKey(), ORIGIN))
                    .isInstanceOf(ProofException.class);
            byte[] changed = parsed.entry().replace("e-777", "e-778").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> new InclusionProof(777, parsed.hashes(), parsed.checkpoint(), changed)
                            .verify(signer.verifierKey(), ORIGIN))
                    .isInstanceOf(ProofException.class);
            assertThatThrownBy(() -> parsed.verify(signer.verifierKey(), "other.example/log"))
                    .isInstanceOf(ProofException.class);
            assertThatThrownBy(() -> parsed.verify(other.verifierKey(), ORIGIN)).isInstanceOf(ProofException.class);

            // two checkpoints of the log are consistent
            IntegrityStatus status = trail.integrityStatus().orElseThrow();
            assertThat(status.keyId()).hasSize(8);
            assertThat(status.fingerprint()).isEqualTo(signer.verifierKey().fingerprint());
            assertThat(status.treeSize()).isEqualTo(1500);
            List<byte[]> consistency = trail.consistencyProof(1000, 1500);
            Checkpoint latest = Checkpoint.parse(parsed.checkpoint().text());
            Merkle.verifyConsistency(1000, 1500, rootOf(dir, 1000), latest.rootHash(), consistency);
            assertThatThrownBy(() -> trail.inclusionProof("no-such-event"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static byte[] bytes(InclusionProof proof) {
        return proof.entry().getBytes(StandardCharsets.UTF_8);
    }

    /** The root of the first {@code size} entries, recomputed from the journal's lines. */
    private static byte[] rootOf(Path dir, int size) throws IOException {
        List<byte[]> leaves = new ArrayList<>();
        for (Path segment : segments(dir)) {
            for (String line : lines(segment)) {
                if (leaves.size() < size) {
                    leaves.add(Merkle.leafHash(line.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return Merkle.root(leaves);
    }

    private static long firstPosition(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    private static Path checkpointFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("integrity"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".notes"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    private static void appendCheckpoint(Path dir, SignedNote note) throws IOException {
        byte[] text = note.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(
                checkpointFile(dir),
                ("note " + text.length + "\n" + note).getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
    }
}
