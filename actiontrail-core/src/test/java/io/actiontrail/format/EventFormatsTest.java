package io.actiontrail.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventFormatsTest {

    @Test
    void findsEachBuiltInFormatByItsName() {
        for (String name : EventFormats.names()) {
            assertThat(EventFormats.named(name).name()).isEqualTo(name);
            assertThat(EventFormats.named(" " + name.toUpperCase(java.util.Locale.ROOT) + " ")
                            .name())
                    .isEqualTo(name);
        }
        assertThat(EventFormats.names())
                .containsExactly("actiontrail", "ocsf", "cloudevents", "cloudevents-binary", "cloudtrail");
        assertThat(EventFormats.named("cloudevents-binary").isBinary()).isTrue();
        assertThat(EventFormats.names().stream()
                        .filter(n -> EventFormats.named(n).isBinary()))
                .containsExactly("cloudevents-binary");
    }

    @Test
    void anUnknownNameFailsListingTheKnownOnes() {
        assertThatThrownBy(() -> EventFormats.named("avro"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown event format 'avro'; known formats: actiontrail, ocsf, cloudevents,"
                        + " cloudevents-binary, cloudtrail");
    }

    @Test
    void theDefaultFormatIsTheJournalLineByteForByte() {
        AuditEvent golden = OcsfFormatTest.golden();
        byte[] line = Schemas.text("/golden/full-event.json").getBytes(StandardCharsets.UTF_8);
        assertThat(EventFormats.actionTrail().encode(golden)).isEqualTo(line);
        assertThat(AuditRecord.of(golden).encoded(EventFormats.actionTrail())).isEqualTo(line);
        // a line of a newer minor version keeps the fields this version does not know
        byte[] newer = ("{\"eventVersion\":\"1.1\",\"eventId\":\"id-1\",\"eventTime\":\"2026-11-24T08:15:30.000Z\","
                        + "\"eventName\":\"X\",\"futureField\":[1]}")
                .getBytes(StandardCharsets.UTF_8);
        AuditRecord record = AuditRecord.ofEncoded("id-1", Instant.parse("2026-11-24T08:15:30Z"), newer);
        assertThat(record.encoded(EventFormats.actionTrail())).isEqualTo(newer);
        assertThat(new String(record.encoded(EventFormats.ocsf()), StandardCharsets.UTF_8))
                .contains("\"uid\":\"id-1\"");
    }

    @Test
    void aRecordThatDoesNotDecodeFailsClearlyInAnotherFormat() {
        AuditRecord broken = AuditRecord.ofEncoded(
                "id-1", Instant.parse("2026-11-24T08:15:30Z"), "{\"eventId\":".getBytes(StandardCharsets.UTF_8));
        assertThat(broken.encoded(EventFormats.actionTrail()))
                .isEqualTo("{\"eventId\":".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> broken.encoded(EventFormats.cloudEvents()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
