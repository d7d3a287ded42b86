package io.actiontrail.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.testsupport.S3Server;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** What {@link S3EventReader} reads back of what the sink archived, on a real S3 server. */
final class S3EventReaderTest {

    private static final String BUCKET = "audit-read";
    private static final Instant DAY1 = Instant.parse("2026-03-13T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-03-14T00:00:00Z");
    private static final Instant DAY3 = Instant.parse("2026-03-15T00:00:00Z");

    private static S3Server server;
    private static S3Client s3;

    private final String prefix = "r-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Server.start();
        s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            s3.close();
        } finally {
            server.close();
        }
    }

    private static List<AuditEvent> events(String service, String region, Instant start, Duration step, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder("Op" + i)
                    .serviceName(service)
                    .region(region)
                    .eventTime(start.plus(step.multipliedBy(i)))
                    .resource("Doc", "d-" + i)
                    .build());
        }
        return events;
    }

    /** Archives three days of "orders" events in batches of 25, one of them across midnight; returns them. */
    private List<AuditEvent> archiveThreeDays() throws Exception {
        List<AuditEvent> all = new ArrayList<>();
        all.addAll(events("orders", "cn-hangzhou", DAY1.plusSeconds(3600), Duration.ofMinutes(17), 30));
        all.addAll(events("orders", "cn-hangzhou", DAY2.minusSeconds(300), Duration.ofSeconds(37), 40));
        all.addAll(events("orders", "cn-hangzhou", DAY2.plusSeconds(7200), Duration.ofMinutes(23), 60));
        S3AuditSink sink = S3AuditSink.builder(s3, BUCKET).prefix(prefix).build();
        for (int from = 0; from < all.size(); from += 25) {
            sink.write(AuditBatch.ofEvents(all.subList(from, Math.min(all.size(), from + 25))));
        }
        return all;
    }

    private static List<AuditEvent> between(List<AuditEvent> events, Instant from, Instant to) {
        return events.stream()
                .filter(e -> !e.eventTime().isBefore(from) && e.eventTime().isBefore(to))
                .toList();
    }

    @Test
    void readsBackEveryEventOfADay() throws Exception {
        List<AuditEvent> all = archiveThreeDays();
        S3EventReader reader = S3EventReader.builder(s3, BUCKET)
                .prefix(prefix)
                .serviceName("orders")
                .region("cn-hangzhou")
                .build();

        for (Instant day : List.of(DAY1, DAY2, DAY3)) {
            List<AuditEvent> expected = between(all, day, day.plus(Duration.ofDays(1)));
            try (Stream<AuditRecord> records = reader.records(day, day.plus(Duration.ofDays(1)))) {
                assertThat(records.map(AuditRecord::event).toList())
                        .as("events of %s", day)
                        .isNotEmpty()
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void readsAnHourAndListsOnlyTheObjectsThatMayHoldIt() throws Exception {
        List<AuditEvent> all = archiveThreeDays();
        S3EventReader reader = S3EventReader.builder(s3, BUCKET).prefix(prefix).build();
        Instant from = DAY2.plus(Duration.ofHours(9));
        Instant to = from.plus(Duration.ofHours(3));

        List<String> keys = reader.keys(from, to);

        assertThat(keys).allSatisfy(key -> assertThat(key).contains("/2026/03/14/"));
        assertThat(reader.records(from, to).map(AuditRecord::event).toList())
                .isNotEmpty()
                .containsExactlyElementsOf(between(all, from, to));
    }

    @Test
    void findsEveryServiceAndRegionWhenNoneIsConfigured() throws Exception {
        S3AuditSink sink = S3AuditSink.builder(s3, BUCKET).prefix(prefix).build();
        List<AuditEvent> orders = events("orders", "cn-hangzhou", DAY2.plusSeconds(10), Duration.ofSeconds(1), 3);
        List<AuditEvent> billing = events("billing", "eu-west-1", DAY2.plusSeconds(20), Duration.ofSeconds(1), 4);
        sink.write(AuditBatch.ofEvents(orders));
        sink.write(AuditBatch.ofEvents(billing));

        S3EventReader everything =
                S3EventReader.builder(s3, BUCKET).prefix(prefix).build();
        S3EventReader onlyBilling = S3EventReader.builder(s3, BUCKET)
                .prefix(prefix)
                .serviceName("billing")
                .build();

        assertThat(everything.records(DAY2, DAY3).map(AuditRecord::event).toList())
                .containsExactlyInAnyOrderElementsOf(
                        Stream.concat(orders.stream(), billing.stream()).toList());
        assertThat(onlyBilling.records(DAY2, DAY3).map(AuditRecord::event).toList())
                .containsExactlyElementsOf(billing);
    }

    @Test
    void contentThatDoesNotMatchItsChecksumIsReportedClearly() throws Exception {
        List<AuditEvent> events = events("orders", "cn-hangzhou", DAY2.plusSeconds(5), Duration.ofSeconds(1), 3);
        S3AuditSink sink = S3AuditSink.builder(s3, BUCKET).prefix(prefix).build();
        AuditBatch batch = AuditBatch.ofEvents(events);
        sink.write(batch);
        String key = sink.keysOf(batch).get(0);
        StoredObjects.Stored original = StoredObjects.get(s3, BUCKET, key);
        // someone drops the last event and keeps the metadata
        String tampered = original.lines().get(0) + "\n" + original.lines().get(1) + "\n";
        s3.putObject(
                b -> b.bucket(BUCKET).key(key).metadata(original.metadata()), RequestBody.fromBytes(gzip(tampered)));
        S3EventReader reader = S3EventReader.builder(s3, BUCKET).prefix(prefix).build();

        assertThatThrownBy(() -> reader.records(DAY2, DAY3).toList())
                .isInstanceOfSatisfying(S3ObjectIntegrityException.class, e -> {
                    assertThat(e.bucket()).isEqualTo(BUCKET);
                    assertThat(e.key()).isEqualTo(key);
                    assertThat(e.getMessage())
                            .contains(
                                    key,
                                    "does not match its checksum",
                                    original.metadata().get(S3AuditSink.METADATA_CONTENT_SHA256));
                });
        S3EventReader trusting = S3EventReader.builder(s3, BUCKET)
                .prefix(prefix)
                .verifyChecksums(false)
                .build();
        assertThat(trusting.read(key)).hasSize(2);
    }

    @Test
    void contentThatIsNotGzipIsReportedClearly() throws Exception {
        String key =
                prefix + "/ActionTrail/orders/global/2026/03/14/orders_ActionTrail_global_20260314T000001Z_x.json.gz";
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("{\"not\":\"gzip\"}\n"));
        S3EventReader reader = S3EventReader.builder(s3, BUCKET).prefix(prefix).build();

        assertThatThrownBy(() -> reader.records(DAY2, DAY3).toList())
                .isInstanceOf(S3ObjectIntegrityException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("not valid gzip");
    }

    @Test
    void timeInKeyIsParsedFromTheLayoutAndNullOtherwise() {
        assertThat(S3EventReader.timeInKey(
                        "p/ActionTrail/my_svc/eu/2026/03/14/my_svc_ActionTrail_eu_20260314T092653Z_abc.json.gz"))
                .isEqualTo(Instant.parse("2026-03-14T09:26:53Z"));
        assertThat(S3EventReader.timeInKey("p/ActionTrail/x/eu/2026/03/14/notes.txt"))
                .isNull();
        assertThat(S3EventReader.timeInKey("p/ActionTrail/x/eu/2026/03/14/a_b.json.gz"))
                .isNull();
        assertThat(S3EventReader.timeInKey("p/x_ActionTrail_eu_2026031XT092653Z_abc.json.gz"))
                .isNull();
    }

    @Test
    void rejectsAnEmptyRange() {
        S3EventReader reader = S3EventReader.builder(s3, BUCKET).build();

        assertThatThrownBy(() -> reader.keys(DAY2, DAY2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to must be after from");
    }

    @Test
    void readerBuiltFromAConnectionReadsAndClosesItsOwnClient() throws Exception {
        List<AuditEvent> events = events("orders", "cn-hangzhou", DAY2.plusSeconds(1), Duration.ofSeconds(1), 2);
        S3AuditSink.builder(s3, BUCKET).prefix(prefix).build().write(AuditBatch.ofEvents(events));

        try (S3EventReader reader = S3EventReader.builder(
                        S3Connections.to(server).build(), BUCKET)
                .prefix("/" + prefix + "/")
                .build()) {
            assertThat(reader.records(DAY2, DAY3).map(AuditRecord::event).toList())
                    .containsExactlyElementsOf(events);
            assertThat(reader.toString()).contains(BUCKET, prefix + "/ActionTrail/");
        }
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
