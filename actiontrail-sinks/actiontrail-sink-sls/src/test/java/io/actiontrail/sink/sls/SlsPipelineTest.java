package io.actiontrail.sink.sls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.aliyun.openservices.log.common.Logs;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.testsupport.SlsEndpoint;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import io.actiontrail.transport.http.HttpTransport;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The SLS sink inside a real {@link ActionTrail} pipeline against a PutLogs endpoint that goes down, refuses the
 * signature of a wrong secret as the service does ({@code 401 SignatureNotMatch}), throttles, or gets an event too large
 * for one request: the status tells, and nothing is lost.
 */
final class SlsPipelineTest {

    private static final String PROJECT = "audit";
    private static final String LOGSTORE = "events";
    private static final String KEY_ID = "LTAI5tPipelineKey";
    private static final String SECRET = "pipeline-secret-0123456789abcdef";
    private static final String TRAIL = "sls";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private SlsEndpoint server;
    private @Nullable ActionTrail actionTrail;

    @BeforeEach
    void start() throws Exception {
        server = SlsEndpoint.start().project(PROJECT, LOGSTORE).accessKey(KEY_ID, SECRET);
    }

    @AfterEach
    void stop() {
        try {
            if (actionTrail != null) {
                actionTrail.close(Duration.ofSeconds(2));
            }
        } finally {
            server.close();
        }
    }

    private ActionTrail start(SlsAuditSink sink, DeliveryListener... listeners) {
        ActionTrail.Builder builder = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.MEMORY)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build());
        for (DeliveryListener listener : listeners) {
            builder.deliveryListener(listener);
        }
        ActionTrail started = builder.build();
        actionTrail = started;
        return started;
    }

    private SlsAuditSink.Builder sink() {
        return SlsAuditSink.builder(server.endpoint(), PROJECT, LOGSTORE)
                .credentials(KEY_ID, SECRET)
                .batching(SlsAuditSink.DEFAULT_BATCHING
                        .withLinger(Duration.ofMillis(20))
                        .withMaxEvents(7))
                .transport(HttpTransport.builder()
                        .callTimeout(Duration.ofSeconds(5))
                        .build());
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

    private static TrailStatus.SinkStatus status(ActionTrail actionTrail) {
        return actionTrail.status(TRAIL).sink(SlsAuditSink.DEFAULT_NAME);
    }

    @Test
    void anOutageKeepsTheBacklogShowsInTheStatusAndEveryEventArrivesOnceAfterwards() throws Exception {
        ActionTrail trail = start(sink().build());
        List<String> before = record(trail, "BeforeOutage", 10);
        assertThat(trail.flush(PATIENCE)).isTrue();

        server.stop();
        List<String> during = record(trail, "DuringOutage", 25);
        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.isFailing()).isTrue();
            assertThat(status.latestDeliveryError()).contains("failed before Log Service answered");
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
        List<String> expected = new ArrayList<>(before);
        expected.addAll(during);
        assertThat(server.acceptedEventIds())
                .as("every event, once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aWrongSecretIsRefusedLikeTheServiceDoesKeepsTheBacklogShowsTheCodeAndIsNeverLogged() throws Exception {
        String wrongSecret = "wrong-" + SECRET;
        AtomicReference<SlsCredentials> credentials = new AtomicReference<>(SlsCredentials.of(KEY_ID, wrongSecret));
        List<DeliveryListener.Failed> failures = new CopyOnWriteArrayList<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        List<String> shown = new ArrayList<>();
        try {
            ActionTrail trail = start(sink().credentials(credentials::get).build(), new DeliveryListener() {
                @Override
                public void onFailed(Failed failed) {
                    failures.add(failed);
                }
            });
            List<String> ids = record(trail, "WithWrongSecret", 15);
            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.latestDeliveryErrorCode()).isEqualTo("SignatureNotMatch");
                assertThat(status.latestDeliveryError()).contains("HTTP 401 SignatureNotMatch", "request id");
                assertThat(status.retries()).isGreaterThanOrEqualTo(2);
            });
            assertThat(status(trail).pending()).isEqualTo(15);
            assertThat(status(trail).dropped()).isEmpty();
            assertThat(server.acceptedEventIds()).isEmpty();
            shown.add(String.valueOf(status(trail).latestDeliveryError()));
            shown.add(trail.status(TRAIL).toString());

            credentials.set(SlsCredentials.of(KEY_ID, SECRET)); // the operator puts the right secret in place

            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(status(trail).delivered()).isEqualTo(15));
            assertThat(status(trail).dropped()).isEmpty();
            assertThat(server.acceptedEventIds()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            root.detachAppender(logs);
            logs.stop();
        }
        for (ILoggingEvent event : logs.list) {
            shown.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                shown.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        for (DeliveryListener.Failed failed : failures) {
            shown.add(failed.toString());
        }
        assertThat(failures).as("failures reported").isNotEmpty();
        assertThat(shown).as("the failure was logged").anySatisfy(line -> assertThat(line)
                .contains("SignatureNotMatch"));
        assertThat(shown).noneSatisfy(line -> assertThat(line).contains(SECRET));
        assertThat(shown).noneSatisfy(line -> assertThat(line).contains(wrongSecret));
    }

    @Test
    void throttlingWithRetryAfterHoldsBackTheNextAttemptAtLeastThatLong() throws Exception {
        server.answerNext(403, "WriteQuotaExceed", "Project write quota exceed", "Retry-After", "1");
        ActionTrail trail = start(sink().build());
        List<String> ids = record(trail, "Throttled", 3);

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(status(trail).delivered()).isEqualTo(3));

        List<SlsEndpoint.Received> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).status()).isEqualTo(403);
        assertThat(requests.get(1).status()).isEqualTo(200);
        // a lower bound only: the pipeline's own backoff here is 20 ms, so the rest of the second came from Retry-After
        assertThat(Duration.ofNanos(
                        requests.get(1).receivedNanos() - requests.get(0).receivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(status(trail).dropped()).isEmpty();
        assertThat(server.acceptedEventIds()).containsExactlyElementsOf(ids);
    }

    @Test
    void anEventTooLargeForOneRequestIsReportedAsRejectedAndTheOthersArrive() throws Exception {
        ActionTrail trail = start(sink().maxRequestBytes(4096).build());
        List<String> small = record(trail, "Small", 2);
        AuditEvent huge = AuditEvent.builder("Huge")
                .requestParameter("blob", "x".repeat(6000))
                .build();
        trail.record(huge);

        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.dropped()).containsKey(DeliveryListener.Dropped.REJECTED);
            assertThat(status.pending()).isZero();
        });
        assertThat(status(trail).latestDeliveryErrorCode()).isEqualTo(SlsAuditSink.EVENT_TOO_LARGE);
        assertThat(status(trail).latestDeliveryError()).contains(huge.eventId(), "1 of ");
        assertThat(new HashSet<>(server.acceptedEventIds())).containsExactlyInAnyOrderElementsOf(small);

        List<String> later = record(trail, "Later", 3);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(server.acceptedEventIds()).containsAll(later));
    }

    @Test
    void aTrailWithTamperEvidencePutsEachBatchsSignedCheckpointInTheCheckpointTopic(@TempDir Path dir)
            throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("orders.example", pair.getPrivate(), pair.getPublic());
        server.answerNext(503, "ServerBusy", "busy");
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.GROUP)
                .dataDir(dir)
                .shutdownHook(false)
                .integrity(Integrity.builder().signer(signer).build())
                .trail(Trail.builder(TRAIL)
                        .sink(sink().build())
                        .retryPolicy(FAST_RETRY)
                        .build())
                .build()) {
            record(trail, "Signed", 20);
            assertThat(trail.flush(PATIENCE)).isTrue();
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        int events = 0;
        for (SlsEndpoint.Received request : server.requests()) {
            Logs.LogGroup group = request.logGroup();
            if (!request.accepted() || group == null) {
                continue;
            }
            if (!group.getTopic().equals(SlsAuditSink.DEFAULT_CHECKPOINT_TOPIC)) {
                assertThat(group.getTopic()).isEqualTo(SlsAuditSink.DEFAULT_TOPIC);
                events += group.getLogsCount();
                continue;
            }
            assertThat(group.getLogsCount()).isOne();
            Map<String, String> contents = new HashMap<>();
            for (Logs.Log.Content content : group.getLogs(0).getContentsList()) {
                contents.put(content.getKey(), content.getValue());
            }
            SignedNote note = SignedNote.parse(contents.getOrDefault("checkpoint", ""));
            note.verify(signer.verifierKey()); // throws if the signature does not hold
            Checkpoint body = Checkpoint.parse(note.text());
            assertThat(contents).containsEntry("treeSize", Long.toString(body.size()));
            assertThat(contents).containsEntry("origin", "orders.example/" + TRAIL + "/sls");
            checkpoints.add(body);
        }
        assertThat(events).isEqualTo(20);
        assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(4); // three batches of at most seven, and the clean stop
        assertThat(checkpoints.get(checkpoints.size() - 1).size()).isEqualTo(20);
        assertThat(checkpoints.get(checkpoints.size() - 1).extensions()).contains("actiontrail-closed");
    }
}
