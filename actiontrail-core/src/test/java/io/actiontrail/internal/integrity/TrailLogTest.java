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
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private TrailLog open(long journalEnd) throws IOException {
        return TrailLog.open(dataDir, "main", "s3 archive", journalEnd, settings, clock);
    }

    @Test
    void aBatchDeliveredAgainMapsOntoItsLeavesAndTheRootsAreThoseOfTheLines() throws IOException {
        try (TrailLog log = open(1_000)) {
            assertThat(log.append(records(0, 10), positions(0, 10))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            // after a restart the shipper delivers again from its cursor: positions 5.. are in the log already
            assertThat(log.append(records(5, 14), positions(5, 14))).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13);
            assertThat(log.size()).isEqualTo(14);
            assertThat(log.sizeBefore(2L * 5 + 1)).isEqualTo(5);
            SignedNote note = log.checkpoint(14, true);
            Checkpoint body = Checkpoint.parse(note.text());
            assertThat(body.origin()).isEqualTo("orders.example/main/s3 archive");
            assertThat(body.rootHash()).isEqualTo(rootOf(14));
            assertThat(body.extensions())
                    .containsExactly("actiontrail-time 2026-12-06T10:00:00Z", "actiontrail-closed");
            note.verify(settings.signer().verifierKey());
        }
    }

    @Test
    void tornFilesAreCutBackAndTheSameLinesGiveTheSameLeavesAgain() throws IOException {
        try (TrailLog log = open(1_000)) {
            log.append(records(0, 12), positions(0, 12));
        }
        Path dir = dataDir.resolve("integrity/trails/main/s3_archive");
        truncate(dir.resolve("positions"), 12 * 8 - 3); // a torn last position: 11 whole ones
        truncate(dir.resolve("hashes-00"), 10 * 32 + 5); // a torn last hash: 10 whole ones
        try (TrailLog log = open(1_000)) {
            assertThat(log.size()).isEqualTo(10);
            assertThat(log.append(records(8, 12), positions(8, 12))).containsExactly(8, 9, 10, 11);
            assertThat(Checkpoint.parse(log.checkpoint(12, false).text()).rootHash())
                    .isEqualTo(rootOf(12));
        }
    }

    @Test
    void positionsBeyondTheJournalAreDroppedAndAnUnknownEarlierPositionIsRefused() throws IOException {
        try (TrailLog log = open(1_000)) {
            log.append(records(0, 10), positions(0, 10));
        }
        try (TrailLog log = open(2L * 6)) { // the journal ends before position 13: leaves at 13, 15, ... go
            assertThat(log.size()).isEqualTo(6);
            assertThatThrownBy(() -> log.append(records(3, 4), new long[] {2}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("journal position 2 is not in the log");
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}
