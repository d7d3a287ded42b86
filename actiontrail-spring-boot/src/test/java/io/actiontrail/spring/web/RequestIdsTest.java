package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void aSafeIdIsKeptATraceparentGivesItsTraceIdAndAnythingElseANewUuid() {
        assertThat(RequestIds.of("req-42", null)).isEqualTo("req-42");
        assertThat(RequestIds.of(null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(RequestIds.of("<script>", "garbage")).doesNotContain("<").hasSize(36);
        assertThat(RequestIds.of("x".repeat(129), null)).hasSize(36);
    }

    @Test
    void generatedIdsAreDistinctVersion4Uuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.random();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(seen.add(id)).isTrue();
        }
    }
}
