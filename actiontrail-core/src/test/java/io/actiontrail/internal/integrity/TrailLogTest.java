package io.actiontrail.internal.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.Merkle;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Merkle log of one trail's sink across what a crash leaves: a batch delivered again maps onto the leaves it already
 * has, torn files are cut back to what agrees, and positions the journal no longer holds are dropped.
 */
class TrailLogTest {

    @TempDir
    Path dataDir;

    private Integrity settings;
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), java.time.ZoneOffset.UTC);

    @BeforeEach
    void signer() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        settings = Integrity.builder()
                .signer(CheckpointSigner.ed25519("test", pair.getPrivate(), pair.getPublic()))
                .origin("orders.example")
                .build();
    }

    private static List<AuditRecord> records(int from, int to) {
        List<AuditRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(AuditRecord.ofEncoded(
                    "e-" + i, Instant.EPOCH, ("{\"eventId\":\"e-" + i + "\"}").getBytes(StandardCharsets.UTF_8)));
        }
        return records;
    }

    /** Journal positions: every other one, as a trail that selects half the events sees them. */
    private static long[] positions(int from, int to) {
        long[] positions = new long[to - from];
        for (int i = from; i < to; i++) {
            positions[i - from] = 2L * i + 1;
        }
        return positions;
    }

    private static byte[] rootOf(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (AuditRecord record : records(0, n)) {
            leaves.add(Merkle.leafHash(record.json().getBytes(StandardCharsets.UTF_8)));
        }
        return Merkle.root(leaves);
    }

    private final List<String> warnings = new ArrayList<>();

    private TrailLog open(long cursor) throws IOException {
        return TrailLog.open(dataDir, "main", "s3 archive", cursor, settings, clock, warnings::add);
    }

    private static byte[] root(SignedNote note) {
        return Checkpoint.parse(note.text()).rootHash();
    }

    @Test
    void eachBatchIsCheckpointedWithTheRootOfItsLinesAndTheLogKeepsOnlyItsRightEdge() throws IOException {
        TrailLog log = open(0);
        long[] first = log.stage(records(0, 10), positions(0, 10));
        assertThat(first).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(root(log.checkpointOfStaged())).isEqualTo(rootOf(10));
        assertThat(log.size()).as("not delivered yet").isZero();
        log.delivered();
        assertThat(log.size()).isEqualTo(10);
        assertThat(log.stage(records(10, 23), positions(10, 23))).startsWith(10).endsWith(22);
        log.delivered();
        SignedNote note = log.checkpoint(true);
        Checkpoint body = Checkpoint.parse(note.text());
        assertThat(body.origin()).isEqualTo("orders.example/main/s3 archive");
        assertThat(body.size()).isEqualTo(23);
        assertThat(body.rootHash()).isEqualTo(rootOf(23));
        assertThat(body.extensions()).containsExactly("actiontrail-time 2026-12-06T10:00:00Z", "actiontrail-closed");
        note.verify(settings.signer().verifierKey());
        // a few hundred bytes, whatever the size: the right edge only
        assertThat(java.nio.file.Files.size(dataDir.resolve("integrity/trails/main/s3_archive/log.properties")))
                .isLessThan(2_000);
    }

    @Test
    void afterACrashTheCursorSaysWhetherTheBatchInFlightReachedTheSink() throws IOException {
        TrailLog log = open(0);
        log.stage(records(0, 10), positions(0, 10));
        log.delivered();
        log.stage(records(10, 15), positions(10, 15)); // in flight when the process dies
        long batchEnd = positions(14, 15)[0] + 1;

        // the cursor did not reach the batch's end: it is delivered again and hashes to the same leaves
        TrailLog again = open(positions(10, 11)[0]);
        assertThat(again.size()).isEqualTo(10);
        assertThat(again.stage(records(10, 15), positions(10, 15))).containsExactly(10, 11, 12, 13, 14);
        assertThat(root(again.checkpointOfStaged())).isEqualTo(rootOf(15));

        // the cursor passed it: it was delivered, and the log goes on after it
        TrailLog after = open(batchEnd);
        assertThat(after.size()).isEqualTo(15);
        assertThat(after.stage(records(15, 16), positions(15, 16))).containsExactly(15);
        assertThat(warnings).isEmpty();
    }

    @Test
    void eventsTheLogAlreadyCoversTravelWithoutACheckpoint() throws IOException {
        TrailLog log = open(0);
        log.stage(records(0, 10), positions(0, 10));
        log.delivered();
        assertThat(log.stage(records(5, 12), positions(5, 12))).isNull();
        assertThat(log.size()).isEqualTo(10);
    }

    @Test
    void anUnreadableLogStartsANewOneAndSaysSo() throws IOException {
        TrailLog log = open(0);
        log.stage(records(0, 3), positions(0, 3));
        java.nio.file.Files.writeString(
                dataDir.resolve("integrity/trails/main/s3_archive/log.properties"),
                "origin=orders.example/main/s3 archive\ncommitted=0 3 abc\n");
        TrailLog reopened = open(100);
        assertThat(reopened.size()).isZero();
        assertThat(warnings).singleElement().asString().contains("cannot be continued", "fork");
        assertThatThrownBy(reopened::checkpointOfStaged).isInstanceOf(IllegalStateException.class);
    }
}
