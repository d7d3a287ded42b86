package io.actiontrail.sink.sls;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.test.AuditSinkContract;
import io.actiontrail.testsupport.SlsEndpoint;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sink contract against a PutLogs endpoint that checks every signature and decodes every LogGroup with the
 * official SDK's classes.
 */
final class SlsAuditSinkContractTest extends AuditSinkContract {

    static final String ACCESS_KEY_ID = "LTAI5tContractKey";
    static final String SECRET = "contract-secret-0123456789abcdef";

    private SlsEndpoint server;
    private SlsEndpoint rejecting;

    @BeforeEach
    void startServers() throws Exception {
        server = SlsEndpoint.start().project("audit", "events").accessKey(ACCESS_KEY_ID, SECRET);
        rejecting = SlsEndpoint.start().project("audit", "events").accessKey(ACCESS_KEY_ID, SECRET);
    }

    @AfterEach
    void stopServers() {
        server.close();
        rejecting.close();
    }

    @Override
    protected AuditSink createSink() {
        return SlsAuditSink.builder(server.endpoint(), "audit", "events")
                .credentials(ACCESS_KEY_ID, SECRET)
                .build();
    }

    @Override
    protected List<String> deliveredEventIds() {
        return server.acceptedEventIds();
    }

    @Override
    protected List<AuditEvent> deliveredEvents() {
        return server.acceptedEvents();
    }

    @Override
    protected AuditSink createUnreachableSink() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return SlsAuditSink.builder("http://127.0.0.1:" + closedPort, "audit", "events")
                .credentials(ACCESS_KEY_ID, SECRET)
                .build();
    }

    @Override
    protected AuditSink createRejectingSink() {
        for (int i = 0; i < 5; i++) {
            rejecting.answerNext(400, "PostBodyInvalid", "The request body is not a valid LogGroup.");
        }
        return SlsAuditSink.builder(rejecting.endpoint(), "audit", "events")
                .credentials(ACCESS_KEY_ID, SECRET)
                .build();
    }
}
