package io.actiontrail.sink.opensearch;

import io.actiontrail.AuditEvent;
import io.actiontrail.query.EventStore;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.test.EventStoreContract;
import io.actiontrail.testsupport.OpenSearchNode;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The journal's lookup suite against events the sink indexed in a real OpenSearch node. */
final class OpenSearchEventStoreContractTest extends EventStoreContract {

    @RegisterExtension
    static final OpenSearchNode NODE = new OpenSearchNode();

    private @Nullable OpenSearchConnection node;

    @Override
    protected EventStore createStore(List<AuditEvent> events) throws Exception {
        String index = OpenSearchNode.freshIndex("lookup");
        OpenSearchConnection connection =
                OpenSearchConnection.builder(NODE.url()).build();
        node = connection;
        try (OpenSearchAuditSink sink = OpenSearchAuditSink.builder(connection)
                .index(index)
                .refresh("true")
                .build()) {
            for (int from = 0; from < events.size(); from += 500) {
                sink.write(AuditBatch.ofEvents(events.subList(from, Math.min(events.size(), from + 500))));
            }
        }
        return OpenSearchEventStore.builder(connection).index(index).build();
    }

    @AfterEach
    void close() {
        OpenSearchConnection connection = node;
        if (connection != null) {
            connection.close();
        }
    }
}
