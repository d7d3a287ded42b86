package io.actiontrail.sink.webhook;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.test.AuditSinkContract;
import io.actiontrail.testsupport.WebhookReceiver;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The sink contract against a real HTTP receiver that verifies every signature. */
final class WebhookAuditSinkContractTest extends AuditSinkContract {

    static final String SECRET = "contract-secret-0123456789abcdef";

    private WebhookReceiver receiver;
    private WebhookReceiver rejecting;

    @BeforeEach
    void startReceivers() throws Exception {
        receiver = WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify);
        rejecting = WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify);
    }

    @AfterEach
    void stopReceivers() {
        receiver.close();
        rejecting.close();
    }

    @Override
    protected AuditSink createSink() {
        return WebhookAuditSink.builder(receiver.url()).secret(SECRET).build();
    }

    @Override
    protected List<String> deliveredEventIds() {
        return receiver.acceptedEventIds();
    }

    @Override
    protected List<AuditEvent> deliveredEvents() {
        return receiver.acceptedEvents();
    }

    @Override
    protected AuditSink createUnreachableSink() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return WebhookAuditSink.builder("http://127.0.0.1:" + closedPort + "/nobody")
                .secret(SECRET)
                .build();
    }

    @Override
    protected AuditSink createRejectingSink() {
        for (int i = 0; i < 5; i++) {
            rejecting.answerNext(422);
        }
        return WebhookAuditSink.builder(rejecting.url()).secret(SECRET).build();
    }
}
