package io.actiontrail.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.DeliveryListener;
import io.actiontrail.Durability;
import io.actiontrail.testsupport.WebhookReceiver;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.trail.TrailStatus;
import io.actiontrail.transport.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The webhook sink inside a real {@link ActionTrail} pipeline against a real receiver that goes down, refuses the
 * signature, throttles with {@code Retry-After} or rejects content: the status tells, and nothing is lost unless the
 * receiver refuses the content itself.
 */
final class WebhookPipelineTest {

    private static final String SECRET = "pipeline-secret-0123456789abcdef";
    private static final String TRAIL = "hooks";
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2);
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private WebhookReceiver receiver;
    private @Nullable ActionTrail actionTrail;

    @BeforeEach
    void start() throws Exception {
        receiver = WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify);
    }

    @AfterEach
    void stop() {
        try {
            if (actionTrail != null) {
                actionTrail.close(Duration.ofSeconds(2));
            }
        } finally {
            receiver.close();
        }
    }

    private ActionTrail start(WebhookAuditSink sink) {
        ActionTrail started = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.MEMORY)
                .shutdownHook(false)
                .trail(Trail.builder(TRAIL).sink(sink).retryPolicy(FAST_RETRY).build())
                .build();
        actionTrail = started;
        return started;
    }

    private WebhookAuditSink.Builder sink(String secret) {
        return WebhookAuditSink.builder(receiver.url())
                .secret(secret)
                .batching(WebhookAuditSink.DEFAULT_BATCHING
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
        return actionTrail.status(TRAIL).sink(WebhookAuditSink.DEFAULT_NAME);
    }

    @Test
    void receiverOutageShowsInTheStatusAndEveryEventArrivesAfterRestart() throws Exception {
        ActionTrail trail = start(sink(SECRET).build());
        List<String> before = record(trail, "BeforeOutage", 10);
        assertThat(trail.flush(PATIENCE)).isTrue();

        receiver.stop();
        List<String> during = record(trail, "DuringOutage", 25);
        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.isFailing()).isTrue();
            assertThat(status.latestDeliveryError()).contains("failed before the receiver answered");
            assertThat(status.pending()).isEqualTo(25);
            assertThat(status.retries()).isPositive();
        });

        receiver.restart();
        await().atMost(PATIENCE).untilAsserted(() -> {
            TrailStatus.SinkStatus status = status(trail);
            assertThat(status.delivered()).isEqualTo(35);
            assertThat(status.pending()).isZero();
            assertThat(status.isFailing()).isFalse();
        });
        assertThat(status(trail).dropped()).isEmpty();
        HashSet<String> expected = new HashSet<>(before);
        expected.addAll(during);
        assertThat(new HashSet<>(receiver.acceptedEventIds())).isEqualTo(expected);
    }

    @Test
    void aSecretTheReceiverRefusesKeepsTheBacklogShows401AndIsNeverLogged() throws Exception {
        String wrongSecret = "wrong-" + SECRET;
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            ActionTrail trail = start(sink(wrongSecret).build());
            List<String> ids = record(trail, "WithWrongSecret", 15);
            await().atMost(PATIENCE).untilAsserted(() -> {
                TrailStatus.SinkStatus status = status(trail);
                assertThat(status.latestDeliveryErrorCode()).isEqualTo("401");
                assertThat(status.latestDeliveryError()).contains("HTTP 401", "bad signature");
                assertThat(status.retries()).isGreaterThanOrEqualTo(2);
            });
            assertThat(status(trail).pending()).isEqualTo(15);
            assertThat(status(trail).dropped()).isEmpty();
            assertThat(receiver.acceptedEventIds()).isEmpty();

            // the operator aligns the receiver with the sender
            receiver.signature(WebhookVerifier.builder(wrongSecret).build()::verify);

            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(status(trail).delivered()).isEqualTo(15));
            assertThat(status(trail).dropped()).isEmpty();
            assertThat(receiver.acceptedEventIds()).containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            root.detachAppender(logs);
            logs.stop();
        }
        List<String> logged = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            logged.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                logged.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertThat(logged).as("the failure was logged").anySatisfy(line -> assertThat(line)
                .contains("HTTP 401"));
        assertThat(logged).noneSatisfy(line -> assertThat(line).contains(SECRET));
    }

    @Test
    void aRetryAfterFromTheReceiverHoldsBackTheNextAttemptAtLeastThatLong() throws Exception {
        receiver.answerNext(429, "Retry-After", "1");
        ActionTrail trail = start(sink(SECRET).build());
        List<String> ids = record(trail, "Throttled", 3);

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(status(trail).delivered()).isEqualTo(3));

        List<WebhookReceiver.Request> requests = receiver.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).status()).isEqualTo(429);
        assertThat(requests.get(1).status()).isEqualTo(200);
        // a lower bound only: the pipeline's own backoff here is 20 ms, so the second second came from Retry-After
        assertThat(Duration.ofNanos(
                        requests.get(1).receivedNanos() - requests.get(0).receivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(requests.get(1).header(WebhookAuditSink.HEADER_IDEMPOTENCY_KEY))
                .isEqualTo(requests.get(0).header(WebhookAuditSink.HEADER_IDEMPOTENCY_KEY));
        assertThat(receiver.acceptedEventIds()).containsExactlyElementsOf(ids);
    }

    @Test
    void contentTheReceiverRefusesIsDroppedAsRejectedAndTheNextBatchStillArrives() throws Exception {
        receiver.answerNext(422);
        ActionTrail trail = start(sink(SECRET).build());
        record(trail, "Refused", 2);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(status(trail).dropped())
                .containsEntry(DeliveryListener.Dropped.REJECTED, 2L));

        List<String> later = record(trail, "Accepted", 3);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(status(trail).delivered()).isEqualTo(3));
        assertThat(status(trail).latestDeliveryErrorCode()).isEqualTo("422");
        assertThat(receiver.acceptedEventIds()).containsExactlyElementsOf(later);
    }
}
