package io.actiontrail.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.AuditEvent;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.testsupport.S3Server;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The objects each event format produces on a real S3 server. */
final class S3FormatTest {

    private static final String BUCKET = "audit-formats";
    private static final Instant T0 = Instant.parse("2026-03-14T09:26:53.589Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static S3Server server;
    private static S3Client s3;

    private final String prefix = "f-" + UUID.randomUUID().toString().substring(0, 8);

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

    private S3AuditSink.Builder sink() {
        return S3AuditSink.builder(s3, BUCKET)
                .prefix(prefix)
                .serviceName("orders")
                .region("cn-hangzhou");
    }

    private static AuditBatch batch(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder("CreateOrder")
                    .eventTime(T0.plusSeconds(i))
                    .requestId("req-" + i)
                    .resource("Order", "o-" + i)
                    .requestParameter("note", "审计 " + i)
                    .build());
        }
        return AuditBatch.ofEvents(events);
    }

    @Test
    void ocsfObjectsHoldOneApiActivityPerLineAndSayTheirFormat() throws Exception {
        AuditBatch batch = batch(3);
        sink().format(EventFormats.ocsf()).build().write(batch);

        List<StoredObjects.Stored> stored = StoredObjects.list(s3, BUCKET, prefix);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).metadata()).containsEntry(S3AuditSink.METADATA_EVENT_FORMAT, "ocsf");
        List<String> lines = stored.get(0).lines();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode ocsf = JSON.readTree(lines.get(i));
            assertThat(ocsf.get("class_uid").asInt()).isEqualTo(6003);
            assertThat(ocsf.at("/metadata/uid").asText())
                    .isEqualTo(batch.records().get(i).eventId());
            assertThat(ocsf.at("/api/request/data/note").asText()).isEqualTo("审计 " + i);
        }
        // the reader of this project's own format refuses such objects clearly
        try (S3EventReader reader =
                S3EventReader.builder(s3, BUCKET).prefix(prefix).build()) {
            assertThatThrownBy(() -> reader.read(stored.get(0).key()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("format 'ocsf'");
        }
    }

    @Test
    void cloudTrailObjectsAreCloudTrailLogFiles() throws Exception {
        AuditBatch batch = batch(2);
        sink().format(EventFormats.cloudTrail()).build().write(batch);

        StoredObjects.Stored stored = StoredObjects.list(s3, BUCKET, prefix).get(0);
        JsonNode file = JSON.readTree(stored.content());
        assertThat(file.fieldNames()).toIterable().containsExactly("Records");
        assertThat(file.get("Records").findValuesAsText("eventID"))
                .containsExactly(
                        batch.records().get(0).eventId(), batch.records().get(1).eventId());
        assertThat(file.get("Records").get(0).get("awsRegion").isNull()).isTrue();
        assertThat(stored.metadata()).containsEntry(S3AuditSink.METADATA_EVENT_FORMAT, "cloudtrail");
    }

    @Test
    void cloudEventsObjectsHoldOneStructuredEventPerLine() throws Exception {
        AuditBatch batch = batch(2);
        sink().format(EventFormats.cloudEvents()).build().write(batch);

        List<String> lines = StoredObjects.list(s3, BUCKET, prefix).get(0).lines();
        assertThat(lines).hasSize(2);
        JsonNode ce = JSON.readTree(lines.get(1));
        assertThat(ce.get("id").asText()).isEqualTo(batch.records().get(1).eventId());
        assertThat(ce.get("data"))
                .isEqualTo(JSON.readTree(batch.records().get(1).json()));
    }

    @Test
    void theDefaultObjectsStayJournalLinesWithoutAFormatMetadata() throws Exception {
        AuditBatch batch = batch(2);
        sink().build().write(batch);

        StoredObjects.Stored stored = StoredObjects.list(s3, BUCKET, prefix).get(0);
        assertThat(stored.lines())
                .containsExactlyElementsOf(
                        batch.records().stream().map(AuditRecord::json).toList());
        assertThat(stored.metadata()).doesNotContainKey(S3AuditSink.METADATA_EVENT_FORMAT);
    }

    @Test
    void binaryModeIsRefusedWhileConfiguring() {
        assertThatThrownBy(() -> sink().format(EventFormats.cloudEventsBinary()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("cloudevents-binary")
                .hasMessageContaining("headers");
    }

    @Test
    void aLineThatDoesNotDecodeIsRefusedAndTheRestWritten() throws Exception {
        AuditRecord broken = AuditRecord.ofEncoded("broken-1", T0, "{\"eventId\":".getBytes(StandardCharsets.UTF_8));
        AuditRecord good = batch(1).records().get(0);
        DeliveryException failure = null;
        try {
            sink().format(EventFormats.ocsf()).build().write(AuditBatch.of(List.of(broken, good)));
        } catch (DeliveryException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        if (failure != null) {
            assertThat(failure.isRetryable()).isFalse();
            assertThat(failure.refused()).containsExactly("broken-1");
            assertThat(failure.delivered()).containsExactly(good.eventId());
        }
        assertThat(StoredObjects.list(s3, BUCKET, prefix).get(0).lines()).hasSize(1);
    }
}
