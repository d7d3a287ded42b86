package io.actiontrail.internal.journal;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.JournalStatus;
import io.actiontrail.Outcome;
import io.actiontrail.UserIdentity;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link CrashIT}: records into a disk journal until it is killed, or drains it and exits.
 *
 * <p>Arguments: {@code record|drain <dataDir> <SYNC|GROUP> <fsyncIntervalMillis>}; the sink's files go to the
 * directory {@code delivered} beside {@code dataDir}. It speaks to the parent on
 * standard output, one line per message, each written with a single {@code write} call:
 *
 * <ul>
 *   <li>{@code OPEN torn=<bytes> corrupt=<lines> next=<position>}: the journal was opened and recovered;
 *   <li>{@code READY}: recording starts;
 *   <li>{@code ACK <eventId> <begin> <end>}: {@code record} returned for that event; {@code begin} and {@code end}
 *       are {@link System#nanoTime()} just before the call and just after it returned;
 *   <li>{@code DRAINED flushed=<bool> recorded=<n> delivered=<n> pending=<n> dropped=<n>}: drain mode only.
 * </ul>
 *
 * Everything else, including the library's log, goes to standard error.
 */
final class CrashChild {

    static final String TRAIL = "t";
    static final String SINK = "files";
    static final String DELIVERED_DIR = "delivered";
    /** When this file is next to the data directory, the journal keeps tamper evidence signed with its key. */
    static final String SIGNING_KEY = "signing-key.der";

    static final String ORIGIN = "crash-child.example/journal";
    static final int THREADS = 4;
    static final long SEGMENT_BYTES = 64 * 1024;

    private static final FileOutputStream PROTOCOL = new FileOutputStream(FileDescriptor.out);

    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        System.setOut(System.err); // the library's log must not mix with the protocol
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: record|drain <dataDir> <SYNC|GROUP> <fsyncIntervalMillis>");
        }
        String mode = args[0];
        Path dataDir = Path.of(args[1]);
        Durability durability = Durability.valueOf(args[2]);
        Duration fsyncInterval = Duration.ofMillis(Long.parseLong(args[3]));
        ActionTrail trail = open(dataDir, durability, fsyncInterval);
        JournalStatus journal = trail.journalStatus();
        say("OPEN torn=" + journal.recoveredTornBytes() + " corrupt=" + journal.corruptLines() + " next="
                + journal.nextPosition());
        switch (mode) {
            case "record" -> record(trail);
            case "drain" -> drain(trail);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    static ActionTrail open(Path dataDir, Durability durability, Duration fsyncInterval) throws IOException {
        Path delivered = dataDir.resolveSibling(DELIVERED_DIR);
        Files.createDirectories(delivered);
        Path key = dataDir.resolveSibling(SIGNING_KEY);
        ActionTrail.Builder builder = ActionTrail.builder();
        if (Files.exists(key)) {
            builder.integrity(Integrity.builder()
                    .signer(CheckpointSigner.fromPkcs8(ORIGIN, key))
                    .checkpointInterval(Duration.ofMillis(200))
                    .build());
        }
        return builder.serviceName("crash-child")
                .eventSource("crash-child")
                .dataDir(dataDir)
                .durability(durability)
                .fsyncInterval(fsyncInterval)
                .segmentBytes(SEGMENT_BYTES)
                .maxDiskBytes(1L << 40)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL)
                        .sink(new DurableFileSink(delivered))
                        .retryPolicy(new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(50), 2.0, 0.2))
                        .build())
                .build();
    }

    /** Records from {@link #THREADS} threads until the process is killed; acknowledges each returned record. */
    private static void record(ActionTrail trail) {
        say("READY");
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread recorder = new Thread(
                    () -> {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (long n = 0; ; n++) {
                            // lines of 0.4 to 1.4 KiB: segments of 64 KiB roll every few dozen events, at varying
                            // offsets
                            // every attribute the query index keeps has a value, a few values shared by many
                            boolean failed = n % 7 == 0;
                            AuditEvent event = AuditEvent.builder("CrashTest")
                                    .resource("thread", Integer.toString(thread))
                                    .referencedResources(Map.of("batch", List.of("b-" + (n / 50))))
                                    .userIdentity(UserIdentity.builder(UserIdentity.Type.USER)
                                            .userName("user-" + thread)
                                            .principalId("p-" + thread)
                                            .accountId("tenant-" + (n % 3))
                                            .accessKeyId("AK" + thread)
                                            .build())
                                    .sourceIpAddress("10.0.0." + thread)
                                    .requestId("req-" + thread + "-" + (n / 100))
                                    .outcome(failed ? Outcome.FAILURE : Outcome.SUCCESS)
                                    .errorCode(failed ? "E" + (n % 2) : null)
                                    .requestParameter("n", n)
                                    .requestParameter("padding", "x".repeat(random.nextInt(32, 1024)))
                                    .build();
                            long begin = System.nanoTime();
                            trail.record(event);
                            long end = System.nanoTime();
                            say("ACK " + event.eventId() + " " + begin + " " + end);
                        }
                    },
                    "recorder-" + t);
            recorder.start();
        }
    }

    /** Delivers everything the journal holds, reports the sink's status and closes cleanly. */
    private static void drain(ActionTrail trail) {
        boolean flushed = trail.flush(Duration.ofSeconds(60));
        TrailStatus.SinkStatus sink = trail.status(TRAIL).sink(SINK);
        say("DRAINED flushed=" + flushed + " recorded=" + sink.recorded() + " delivered=" + sink.delivered()
                + " pending=" + sink.pending() + " dropped=" + sink.droppedTotal());
        trail.close();
        System.exit(0);
    }

    /** Writes one protocol line with one system call, so that a kill never leaves half a line. */
    private static void say(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (PROTOCOL) {
            try {
                PROTOCOL.write(bytes);
            } catch (IOException e) {
                // the parent stopped listening: nothing more to acknowledge
                Runtime.getRuntime().halt(3);
            }
        }
    }

    /**
     * Writes each batch to its own file, atomically (temporary file, fsync, rename), so that a kill leaves either the
     * whole batch or none of it: the delivered files are exactly what the sink accepted.
     */
    static final class DurableFileSink implements AuditSink {

        private final Path dir;
        private final String run = UUID.randomUUID().toString();
        private final AtomicLong batches = new AtomicLong();

        DurableFileSink(Path dir) {
            this.dir = dir;
        }

        @Override
        public void write(AuditBatch batch) throws DeliveryException {
            StringBuilder text = new StringBuilder();
            for (AuditRecord record : batch.records()) {
                text.append(record.json()).append('\n');
            }
            String name = run + "-" + String.format("%08d", batches.incrementAndGet()) + ".jsonl";
            Path temp = dir.resolve(name + ".tmp");
            try {
                try (FileChannel channel =
                        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw DeliveryException.retryable("cannot write " + temp + ": " + e, e);
            }
        }

        @Override
        public Batching batching() {
            // a short linger: many small batches, so that cursors are written all the time
            return new Batching(200, 1 << 20, Duration.ofMillis(5));
        }

        @Override
        public String name() {
            return SINK;
        }
    }
}
