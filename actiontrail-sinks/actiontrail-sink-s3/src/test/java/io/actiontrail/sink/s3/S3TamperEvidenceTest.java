package io.actiontrail.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.TrailManifest;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.testsupport.S3Server;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A trail with tamper evidence archiving to a real S3 server through an outage: the sink writes a manifest with the
 * trail's signed checkpoint next to each batch's objects (one per service and day, so a batch spans several), and a
 * last one at the clean stop. A local copy of the prefix then verifies offline, and changes made to the copy are found.
 */
final class S3TamperEvidenceTest {

    private static final String BUCKET = "evidence";
    private static final String ORIGIN = "orders.example/actiontrail";
    private static final Duration HEARTBEAT = Duration.ofMinutes(1);

    @TempDir
    static Path root;

    static S3Server server;
    static CheckpointSigner signer;
    static Path copy;
    static int recorded;

    @BeforeAll
    static void archive() throws Exception {
        server = S3Server.start();
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        signer = CheckpointSigner.ed25519(ORIGIN, pair.getPrivate(), pair.getPublic());
        try (S3Client client = server.client()) {
            client.createBucket(b -> b.bucket(BUCKET));
            S3AuditSink sink = S3AuditSink.builder(client, BUCKET)
                    .prefix("audit")
                    .batching(S3AuditSink.DEFAULT_BATCHING
                            .withLinger(Duration.ofMillis(20))
                            .withMaxEvents(9))
                    .build();
            try (ActionTrail trail = ActionTrail.builder()
                    .serviceName("orders")
                    .shutdownHook(false)
                    .durability(Durability.GROUP)
                    .dataDir(root.resolve("data"))
                    .integrity(Integrity.builder()
                            .signer(signer)
                            .origin(ORIGIN)
                            .heartbeatInterval(HEARTBEAT)
                            .build())
                    .trail(Trail.builder("archive")
                            .sink(sink)
                            .retryPolicy(new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2))
                            .build())
                    .build()) {
                record(trail, 60);
                assertThat(trail.flush(Duration.ofSeconds(30))).isTrue();
                server.stop();
                record(trail, 25);
                // batches fail and wait in the journal, checkpoints and all
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    TrailStatus.SinkStatus status = trail.status("archive").sink(S3AuditSink.DEFAULT_NAME);
                    assertThat(status.isFailing()).isTrue();
                    assertThat(status.retries()).isPositive();
                });
                server.restart();
                record(trail, 15);
                assertThat(trail.flush(Duration.ofSeconds(30))).isTrue();
            }
        }
        copy = root.resolve("copy");
        download(copy);
    }

    private static void record(ActionTrail trail, int count) {
        for (int i = 0; i < count; i++) {
            trail.record(AuditEvent.builder("CreateOrder")
                    .serviceName(recorded % 2 == 0 ? "orders" : "billing")
                    .resource("Order", "o-" + recorded)
                    .build());
            recorded++;
        }
    }

    /** Copies every object under the bucket's {@code audit/} prefix, keys relative to it, as {@code aws s3 sync} would. */
    private static void download(Path target) throws Exception {
        try (S3Client client = server.client()) {
            for (S3Object object : client.listObjectsV2Paginator(
                            b -> b.bucket(BUCKET).prefix("audit/"))
                    .contents()) {
                Path file = target.resolve(object.key().substring("audit/".length()));
                Files.createDirectories(file.getParent());
                Files.write(
                        file,
                        client.getObjectAsBytes(b -> b.bucket(BUCKET).key(object.key()))
                                .asByteArray());
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static VerificationReport verify(Path dir) {
        return ActionTrail.verifyTrail(
                dir, List.of(signer.verifierKey()), HEARTBEAT, Instant.now().plus(Duration.ofHours(1)));
    }

    private static List<Path> files(Path dir, String suffix) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }

    private static Path copyOf(String name) throws Exception {
        Path target = root.resolve(name);
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path source : files.toList()) {
                Path to = target.resolve(copy.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(source, to);
                }
            }
        }
        return target;
    }

    @Test
    void theArchiveVerifiesWithEveryEventAndAManifestPerBatch() throws Exception {
        VerificationReport report = verify(copy);
        assertThat(report.findings()).isEmpty();
        assertThat(report.entries()).isEqualTo(recorded);
        List<Path> manifests = files(copy, ".json");
        assertThat(manifests).allSatisfy(m -> assertThat(m.toString()).contains("ActionTrail-Checkpoint"));
        // a batch of nine spans two services, so its manifest lists two objects with interleaved leaves
        TrailManifest first = TrailManifest.parse(Files.readString(manifests.get(1)));
        assertThat(first.parts()).hasSize(2);
        assertThat(first.parts().get(0).leaves()).contains(",");
        // the newest checkpoint (names sort by size, then second) marks the clean stop and lists no object
        List<TrailManifest> all = new ArrayList<>();
        for (Path manifest : manifests) {
            all.add(TrailManifest.parse(Files.readString(manifest)));
        }
        TrailManifest last = all.stream()
                .max(java.util.Comparator.comparing(m ->
                        Checkpoint.parse(m.checkpoint().text()).extensions().get(0)))
                .orElseThrow();
        Checkpoint body = Checkpoint.parse(last.checkpoint().text());
        assertThat(body.origin()).isEqualTo(ORIGIN + "/archive/" + S3AuditSink.DEFAULT_NAME);
        assertThat(body.size()).isEqualTo(recorded);
        assertThat(body.extensions()).contains("actiontrail-closed");
        assertThat(last.parts()).isEmpty();
    }

    @Test
    void aDeletedObjectIsFound() throws Exception {
        Path changed = copyOf("deleted-object");
        Files.delete(files(changed, ".json.gz").get(4));
        assertThat(verify(changed).findings())
                .extracting(VerificationReport.Finding::kind)
                .contains(VerificationReport.Kind.DELETED);
    }

    @Test
    void theNewestObjectsAndManifestsRemovedAreACutTail() throws Exception {
        Path changed = copyOf("cut");
        List<Path> manifests = new ArrayList<>(files(changed, ".json"));
        for (int i = 0; i < 2; i++) {
            Path manifest = manifests.remove(manifests.size() - 1);
            for (TrailManifest.Part part :
                    TrailManifest.parse(Files.readString(manifest)).parts()) {
                Files.deleteIfExists(changed.resolve(part.key()));
            }
            Files.delete(manifest);
        }
        assertThat(verify(changed).findings())
                .extracting(VerificationReport.Finding::kind)
                .contains(VerificationReport.Kind.CUT_TAIL);
    }

    @Test
    void anObjectReplacedByAnotherIsFound() throws Exception {
        Path changed = copyOf("replaced");
        List<Path> objects = files(changed, ".json.gz");
        Files.copy(objects.get(1), objects.get(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(verify(changed).passed()).isFalse();
    }
}
