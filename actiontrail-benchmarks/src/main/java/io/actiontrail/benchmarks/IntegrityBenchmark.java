package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.IntegrityStatus;
import io.actiontrail.integrity.Merkle;
import io.actiontrail.trail.Trail;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * What tamper evidence costs at ingest: {@code record()} of {@link QueryData} events back to back in {@code GROUP},
 * with one trail delivering to a counting sink, tamper evidence on (the journal's Merkle log and signed checkpoints,
 * and the trail's log for its sink, a checkpoint with every batch) and off ({@code integrity}), in the same run; the score is
 * events per second, the notes give the rate the journal wrote and how far the log's hashing trailed the journal when
 * the trial ended. The state is shared by the benchmark's threads; the event counter is atomic.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class IntegrityBenchmark {

    /** {@link ActionTrail.Builder#integrity}. */
    @Param({"true", "false"})
    public boolean integrity = true;

    @SuppressWarnings("NullAway.Init")
    Path dir;

    @SuppressWarnings("NullAway.Init")
    ActionTrail actionTrail;

    @SuppressWarnings("NullAway.Init")
    Instant start;

    private final AtomicLong next = new AtomicLong();
    private long iterationStartNanos;
    private long startPosition;
    private String last = "";

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        dir = Fixtures.tempDir("bench-integrity");
        start = QueryData.start();
        ActionTrail.Builder builder = ActionTrail.builder()
                .serviceName("bench")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .trail(Trail.builder("archive").sink(new CountingSink()).build());
        if (integrity) {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            builder.integrity(Integrity.builder()
                    .signer(CheckpointSigner.ed25519("bench.example/log", pair.getPrivate(), pair.getPublic()))
                    .build());
        }
        actionTrail = builder.build();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        startPosition = actionTrail.journalStatus().nextPosition();
        iterationStartNanos = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        double seconds = (System.nanoTime() - iterationStartNanos) / 1e9;
        JournalStatus status = actionTrail.journalStatus();
        long events = status.nextPosition() - startPosition;
        String log = "";
        if (integrity) {
            IntegrityStatus s = actionTrail.integrityStatus().orElseThrow();
            log = String.format(
                    Locale.ROOT,
                    ", log %,d entries (%,d behind the journal), latest checkpoint %,d entries, %,d checkpoints",
                    s.treeSize(),
                    status.nextPosition() - s.treeSize(),
                    s.checkpointSize(),
                    s.checkpoints());
        }
        last = String.format(Locale.ROOT, "last iteration: %,.0f events/s journaled%s", events / seconds, log);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long recorded = next.get();
        actionTrail.close(Duration.ofMinutes(1));
        Notes.add(
                "integrity ingest integrity=" + integrity,
                String.format(
                        Locale.ROOT,
                        "%s; %,d events recorded in all, on disk after close: %s",
                        last,
                        recorded,
                        QueryData.describe(QueryData.bytesBySuffix(dir))));
        Fixtures.deleteRecursively(dir);
    }

    @Benchmark
    public void record() {
        long i = next.getAndIncrement();
        actionTrail.record(QueryData.event(i, QueryIndexIngestBenchmark.SPREAD, start));
    }

    /**
     * An inclusion proof in a log of 10⁹ entries, checked as an auditor checks it: the audit path of one leaf to the
     * root. The tree's interior hashes are stand-ins (SHA-256 of their coordinates); the path has the length and the
     * work of a real one.
     */
    @State(Scope.Benchmark)
    public static class Proof {
        static final long SIZE = 1_000_000_000L;
        static final long INDEX = 123_456_789L;

        @SuppressWarnings("NullAway.Init")
        byte[] leaf;

        @SuppressWarnings("NullAway.Init")
        List<byte[]> path;

        @SuppressWarnings("NullAway.Init")
        byte[] root;

        @Setup
        public void setUp() throws GeneralSecurityException {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Merkle.Subtrees tree = (level, index) -> {
                if (level == 0 && index == INDEX) {
                    return leafOf(INDEX);
                }
                return sha.digest(
                        ByteBuffer.allocate(12).putInt(level).putLong(index).array());
            };
            leaf = leafOf(INDEX);
            path = Merkle.inclusionProof(INDEX, SIZE, tree);
            root = Merkle.rootFromInclusionProof(INDEX, SIZE, leaf, path);
            int text = 0;
            for (byte[] hash : path) {
                text += Base64.getEncoder().encodeToString(hash).length() + 1;
            }
            Notes.add(
                    "inclusion proof at 10^9 entries",
                    String.format(
                            Locale.ROOT,
                            "%d hashes: %d bytes of hashes, %d bytes as the C2SP tlog-proof's hash lines",
                            path.size(),
                            path.size() * Merkle.HASH_BYTES,
                            text));
        }

        private static byte[] leafOf(long index) {
            return Merkle.leafHash(
                    ("{\"eventId\":\"e-" + index + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void verifyInclusionAtOneBillion(Proof proof) {
        Merkle.verifyInclusion(Proof.INDEX, Proof.SIZE, proof.leaf, proof.path, proof.root);
    }
}
