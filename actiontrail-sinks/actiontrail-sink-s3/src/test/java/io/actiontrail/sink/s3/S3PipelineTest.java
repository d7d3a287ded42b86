package io.actiontrail.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.testsupport.S3Server;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 sink inside a real {@link ActionTrail} pipeline, against a real S3 server that goes down and comes back, or
 * is given the wrong secret: the trail's status shows the server's error meanwhile, and nothing is lost.
 */
final class S3PipelineTest {

    private static final String BUCKET = "audit-archive";
    private static final String TRAIL = "archive";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private S3Server server;
    private S3Client admin;
    private @Nullable ActionTrail actionTrail;

    @BeforeEach
    void startServer() throws Exception {
        server = S3Server.start();
        admin = server.client();
        admin.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (actionTrail != null) {
                actionTrail.close(Duration.ofSeconds(2));
            }
            admin.close();
        } finally {
            server.close();
        }
    }

    private ActionTrail start(S3AuditSink sink) {
        ActionTrail started = ActionTrail.builder()
                .serviceName("orders")
                .region("cn-hangzhou")
                .durability(Durability.MEMORY)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build();
        actionTrail = started;
        return started;
    }

    private static S3AuditSink.Builder sink(S3Client client) {
        return S3AuditSink.builder(client, BUCKET)
                .prefix("pipeline")
                .serviceName("orders")
                .region("cn-hangzhou")
                .batching(S3AuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofMillis(50))
                        .withMaxEvents(7));
    }

    private static List<String> record(ActionTrail actionTrail, String name, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditEvent event =
                    AuditEvent.builder(name).resource("Order", name + "-" + i).build();
            ids.add(event.eventId());
            actionTrail.record(event);
        }
        return ids;
    }

    private TrailStatus.SinkStatus status(ActionTrail actionTrail) {
        return actionTrail.status(TRAIL).sink(S3AuditSink.DEFAULT_NAME);
    }

    /** Reads the archive back through a fresh client: pooled connections to a restarted server are stale. */
    private Set<String> archivedIds() {
        Set<String> ids = new HashSet<>();
        try (S3Client reading = server.client()) {
            S3EventReader reader = S3EventReader.builder(reading, BUCKET)
                    .prefix("pipeline")
                    .serviceName("orders")
                    .region("cn-hangzhou")
                    .build();
            Instant now = Instant.now();
            reader.records(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)))
                    .map(AuditRecord::eventId)
                    .forEach(ids::add);
        }
        return ids;
    }

    @Test
    void serverOutageShowsInTheStatusAndEveryEventArrivesAfterRestart() throws Exception {
        try (S3Client client = server.client()) {
            ActionTrail trail = start(sink(client).build());
            List<String> before = record(trail, "BeforeOutage", 10);
            assertThat(trail.flush(PATIENCE)).isTrue();
            assertThat(status(trail).delivered()).isEqualTo(10);

            server.stop();
            List<String> during = record(trail, "DuringOutage", 25);

            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.isFailing()).isTrue();
                assertThat(status.latestDeliveryError()).contains("PutObject", "failed before the server answered");
                assertThat(status.pending()).isEqualTo(25);
                assertThat(status.retries()).isPositive();
            });

            server.restart();

            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.delivered()).isEqualTo(35);
                assertThat(status.pending()).isZero();
                assertThat(status.isFailing()).isFalse();
            });
            assertThat(status(trail).dropped()).isEmpty();
            Set<String> expected = new HashSet<>(before);
            expected.addAll(during);
            assertThat(archivedIds()).isEqualTo(expected);
        }
    }

    @Test
    void wrongSecretShowsSignatureDoesNotMatchKeepsTheBacklogAndNeverLogsTheSecret() throws Exception {
        String wrongSecret = "wrong/" + S3Server.SECRET_KEY.substring(6) + "+x";
        AtomicReference<String> secret = new AtomicReference<>(wrongSecret);
        AwsCredentialsProvider rotating = () -> AwsBasicCredentials.create(S3Server.ACCESS_KEY, secret.get());
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (S3Client client = server.client(rotating)) {
            ActionTrail trail = start(sink(client).build());
            List<String> ids = record(trail, "WithWrongSecret", 15);

            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.isFailing()).isTrue();
                assertThat(status.latestDeliveryErrorCode()).isEqualTo("SignatureDoesNotMatch");
                assertThat(status.latestDeliveryError()).contains("403", "SignatureDoesNotMatch");
                assertThat(status.retries()).isGreaterThanOrEqualTo(2);
            });
            TrailStatus.SinkStatus failing = status(trail);
            assertThat(failing.pending()).isEqualTo(15);
            assertThat(failing.dropped()).isEmpty();
            assertThat(failing.latestDeliveryError()).doesNotContain(wrongSecret, S3Server.SECRET_KEY);
            assertThat(admin.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();

            secret.set(S3Server.SECRET_KEY); // the operator fixes the credentials

            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.delivered()).isEqualTo(15);
                assertThat(status.pending()).isZero();
            });
            assertThat(status(trail).dropped()).isEmpty();
            assertThat(archivedIds()).containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            root.detachAppender(logs);
            logs.stop();
        }
        List<String> logged = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            logged.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                logged.add(t.getClassName() + ": " + t.getMessage());
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    logged.add(frame.getSTEAsString());
                }
            }
        }
        assertThat(logged).as("the failure was logged").anySatisfy(line -> assertThat(line)
                .contains("SignatureDoesNotMatch"));
        assertThat(logged).noneSatisfy(line -> assertThat(line).contains(wrongSecret));
        assertThat(logged).noneSatisfy(line -> assertThat(line).contains(S3Server.SECRET_KEY));
    }
}
