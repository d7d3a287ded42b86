package io.actiontrail.integrity;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import java.io.ByteArrayOutputStream;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link TrailCrashIT}: records into a journal with tamper evidence whose trail writes each batch as
 * an object and a manifest, atomically, into {@code <root>/objects}, until it is killed ({@code record}), or delivers
 * what is left and closes cleanly ({@code drain}, then prints {@code DRAINED}).
 *
 * <p>Arguments: {@code record|drain <root>}; the signing key is {@code <root>/signing-key.der}.
 */
final class TrailCrashChild {

    static final String ORIGIN = "trail-crash.example/journal";

    private TrailCrashChild() {}

    public static void main(String[] args) throws Exception {
        System.setOut(System.err);
        Path root = Path.of(args[1]);
        ActionTrail trail = ActionTrail.builder()
                .serviceName("trail-crash")
                .dataDir(root.resolve("data"))
                .durability(Durability.GROUP)
                .fsyncInterval(Duration.ofMillis(50))
                .shutdownHook(false)
                .integrity(Integrity.builder()
                        .signer(CheckpointSigner.fromPkcs8(ORIGIN, root.resolve("signing-key.der")))
                        .build())
                .trail(Trail.builder("archive")
                        .sink("objects", new ObjectSink(root.resolve("objects"), root.resolve("temp")))
                        .retryPolicy(new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(50), 2.0, 0.2))
                        .build())
                .build();
        if (args[0].equals("drain")) {
            boolean flushed = trail.flush(Duration.ofSeconds(60));
            trail.close();
            System.err.flush();
            new java.io.PrintStream(
                            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8)
                    .println("DRAINED " + flushed);
            System.exit(0);
        }
        for (int t = 0; t < 2; t++) {
            int thread = t;
            new Thread(() -> {
                        for (long n = 0; ; n++) {
                            trail.record(AuditEvent.builder("CrashTest")
                                    .resource("thread", Integer.toString(thread))
                                    .requestParameter("n", n)
                                    .build());
                        }
                    })
                    .start();
        }
    }

    /** Writes each batch as an object and its manifest, each atomically (temporary file elsewhere, fsync, rename). */
    static final class ObjectSink implements AuditSink {
        private final Path dir;
        private final Path temp;
        private final String run = UUID.randomUUID().toString();
        private final AtomicLong count = new AtomicLong();

        ObjectSink(Path dir, Path temp) throws IOException {
            this.dir = dir;
            this.temp = temp;
            Files.createDirectories(dir);
            Files.createDirectories(temp);
        }

        @Override
        public void write(AuditBatch batch) throws DeliveryException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long[] leaves = new long[batch.size()];
            try {
                for (int i = 0; i < batch.size(); i++) {
                    batch.records().get(i).writeTo(body);
                    body.write('\n');
                    if (batch.checkpoint().isPresent()) {
                        leaves[i] = batch.leafIndex(i);
                    }
                }
                String name = run + "-" + String.format("%08d", count.incrementAndGet());
                put(name + ".jsonl", body.toByteArray());
                if (batch.checkpoint().isPresent()) {
                    put(
                            name + ".json",
                            new TrailManifest(
                                            batch.checkpoint().get(),
                                            List.of(new TrailManifest.Part(
                                                    name + ".jsonl", TrailManifest.ranges(leaves))))
                                    .toJson()
                                    .getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw DeliveryException.retryable("cannot write: " + e, e);
            }
        }

        @Override
        public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
            try {
                put(
                        run + "-" + String.format("%08d", count.incrementAndGet()) + ".json",
                        new TrailManifest(checkpoint, List.of()).toJson().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw DeliveryException.retryable("cannot write: " + e, e);
            }
        }

        private void put(String name, byte[] content) throws IOException {
            Path file = temp.resolve(name);
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(file, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public Batching batching() {
            return new Batching(100, 1 << 20, Duration.ofMillis(5));
        }
    }
}
