package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.test.AuditSinkContract;
import io.actiontrail.testsupport.OpenSearchNode;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink contract against a real OpenSearch node: each test writes to indices of its own. */
final class OpenSearchAuditSinkContractTest extends AuditSinkContract {

    @RegisterExtension
    static final OpenSearchNode NODE = new OpenSearchNode();

    private String index;

    @BeforeEach
    void freshIndex() {
        index = OpenSearchNode.freshIndex("contract");
    }

    @Override
    protected AuditSink createSink() {
        return OpenSearchAuditSink.builder(NODE.url()).index(index).build();
    }

    @Override
    protected List<String> deliveredEventIds() {
        return deliveredEvents().stream().map(AuditEvent::eventId).toList();
    }

    @Override
    protected List<AuditEvent> deliveredEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (JsonNode hit : NODE.hits(index)) {
            events.add(AuditEvent.fromJson(hit.path("_source").toString()));
        }
        return events;
    }

    /** A search index orders by what it is asked to sort on, not by arrival. */
    @Override
    protected boolean preservesOrder() {
        return false;
    }

    @Override
    protected AuditSink createUnreachableSink() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return OpenSearchAuditSink.builder("http://127.0.0.1:" + closedPort).build();
    }

    /** The contract's events all fall on 2026-03-14; that day's index maps eventName as a number. */
    @Override
    protected AuditSink createRejectingSink() {
        String rejecting = OpenSearchNode.freshIndex("rejecting");
        NODE.call(
                "PUT",
                "/" + rejecting + "-2026.03.14",
                "{\"mappings\":{\"properties\":{\"eventName\":{\"type\":\"long\"}}}}");
        return OpenSearchAuditSink.builder(NODE.url())
                .index(rejecting)
                .installTemplate(false)
                .build();
    }
}
