package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void eventIdsAreUuidVersion7InCreationOrder() {
        List<String> ids = new ArrayList<>();
        long millis = Instant.parse("2026-11-24T08:15:30Z").toEpochMilli();
        for (int i = 0; i < 10_000; i++) {
            ids.add(EventIds.next(millis));
        }
        Set<String> unique = new HashSet<>(ids);
        assertThat(unique).hasSize(ids.size());
        assertThat(ids).isSorted();
        for (String id : ids.subList(0, 100)) {
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            java.util.UUID uuid = java.util.UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.getMostSignificantBits() >>> 16).isGreaterThanOrEqualTo(millis);
        }
        String fresh = AuditEvent.builder("X").build().eventId();
        assertThat(java.util.UUID.fromString(fresh).version()).isEqualTo(7);
    }
}
