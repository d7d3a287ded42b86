package io.actiontrail.test;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.query.EventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The lookup contract against the journal of a real {@link ActionTrail} on disk: the reference implementation. */
final class JournalEventStoreContractTest extends EventStoreContract {

    @TempDir
    Path dataDir;

    private @Nullable ActionTrail actionTrail;

    @Override
    protected EventStore createStore(List<AuditEvent> events) {
        ActionTrail created = ActionTrail.builder()
                .serviceName("contract")
                .shutdownHook(false)
                .dataDir(dataDir)
                .build();
        actionTrail = created;
        events.forEach(created::record);
        return created.eventStore();
    }

    @AfterEach
    void close() {
        if (actionTrail != null) {
            actionTrail.close(Duration.ofSeconds(5));
        }
    }
}
