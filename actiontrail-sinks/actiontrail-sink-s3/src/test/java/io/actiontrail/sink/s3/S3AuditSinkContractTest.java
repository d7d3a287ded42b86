package io.actiontrail.sink.s3;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.test.AuditSinkContract;
import io.actiontrail.testsupport.S3Server;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 sink passes the contract every sink must pass, against a real S3 server that checks SigV4 signatures.
 *
 * <p>Object storage keeps no order between objects (keys sort by event time and a content hash, not by delivery), so
 * the contract's order checks across batches do not apply; the order within an object is checked in
 * {@link S3AuditSinkTest}. No test of permanent rejection: S3 never rejects the content of an audit batch for good,
 * so this sink reports every failure as retryable.
 */
final class S3AuditSinkContractTest extends AuditSinkContract {

    private static final String BUCKET = "contract";

    private static S3Server server;
    private static S3Client s3;

    private final String prefix = "t-" + UUID.randomUUID();

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

    @Override
    protected AuditSink createSink() {
        return S3AuditSink.builder(s3, BUCKET)
                .prefix(prefix)
                .batching(S3AuditSink.DEFAULT_BATCHING.withMaxEvents(LARGE_BATCH_EVENTS))
                .build();
    }

    @Override
    protected List<String> deliveredEventIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (AuditEvent event : deliveredEvents()) {
            ids.add(event.eventId());
        }
        return ids;
    }

    @Override
    protected List<AuditEvent> deliveredEvents() throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        for (StoredObjects.Stored object : StoredObjects.list(s3, BUCKET, prefix + "/")) {
            for (String line : object.lines()) {
                events.add(AuditEvent.fromJson(line));
            }
        }
        return events;
    }

    @Override
    protected AuditSink createUnreachableSink() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        return S3AuditSink.builder(
                        S3Connections.to(server)
                                .endpoint("http://127.0.0.1:" + closedPort)
                                .build(),
                        BUCKET)
                .prefix(prefix)
                .build();
    }

    @Override
    protected boolean preservesOrder() {
        return false;
    }
}
