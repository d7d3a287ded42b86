package io.actiontrail.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.testsupport.WebhookReceiver;
import io.actiontrail.transport.http.HttpTransport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a receiver sees and can check, and how each answer becomes success, retry or rejection. */
final class WebhookAuditSinkTest {

    private static final String SECRET = "s3cr3t-webhook-key-0123456789";
    private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private WebhookReceiver receiver;
    private final List<WebhookAuditSink> sinks = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        receiver = WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify);
    }

    @AfterEach
    void stop() {
        sinks.forEach(WebhookAuditSink::close);
        receiver.close();
    }

    private WebhookAuditSink sink() {
        return sink(WebhookAuditSink.builder(receiver.url())
                .secret(SECRET)
                .transport(HttpTransport.builder().clock(Clock.systemUTC()).build()));
    }

    private WebhookAuditSink sink(WebhookAuditSink.Builder builder) {
        WebhookAuditSink sink = builder.build();
        sinks.add(sink);
        return sink;
    }

    private static AuditBatch batch(String name, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(AuditEvent.builder(name).resource("Order", "o-" + i).build());
        }
        return AuditBatch.ofEvents(events);
    }

    private DeliveryException failureOf(WebhookAuditSink sink, AuditBatch batch) {
        try {
            sink.write(batch);
        } catch (DeliveryException e) {
            return e;
        }
        throw new AssertionError("write succeeded");
    }

    @Test
    void postsTheBatchAsAJsonArraySignedSoTheReceiverVerifiesIt() throws Exception {
        AuditBatch batch = batch("Signed", 3);

        sink().write(batch);

        WebhookReceiver.Request request = receiver.requests().get(0);
        assertThat(request.verified()).isTrue();
        assertThat(request.status()).isEqualTo(200);
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header(WebhookAuditSink.HEADER_SIGNATURE)).matches("v1=[0-9a-f]{64}");
        assertThat(request.header(WebhookAuditSink.HEADER_TIMESTAMP)).matches("[0-9]{10}");
        assertThat(request.header(WebhookAuditSink.HEADER_EVENT_COUNT)).isEqualTo("3");
        assertThat(new String(request.body(), StandardCharsets.UTF_8))
                .isEqualTo(batch.records().stream().map(AuditRecord::json).collect(Collectors.joining(",", "[", "]")));
        assertThat(request.events()).isEqualTo(batch.events());
    }

    @Test
    void theSignatureIsTheDocumentedHmacOfTimestampDotBody() throws Exception {
        receiver.answerNext(200); // the receiver's own check would find the fixed clock's timestamp stale
        sink(WebhookAuditSink.builder(receiver.url())
                        .secret(SECRET)
                        .transport(HttpTransport.builder().clock(CLOCK).build()))
                .write(batch("Fixed", 1));

        WebhookReceiver.Request request = receiver.requests().get(0);
        assertThat(request.header(WebhookAuditSink.HEADER_TIMESTAMP)).isEqualTo(Long.toString(NOW.getEpochSecond()));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((NOW.getEpochSecond() + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1=" + java.util.HexFormat.of().formatHex(mac.doFinal(request.body()));
        assertThat(request.header(WebhookAuditSink.HEADER_SIGNATURE)).isEqualTo(expected);
    }

    @Test
    void aTamperedBodyAnotherTimestampAnotherSecretOrAStaleRequestFailVerification() throws Exception {
        receiver.answerNext(200); // verified below with a verifier on the same fixed clock
        sink(WebhookAuditSink.builder(receiver.url())
                        .secret(SECRET)
                        .transport(HttpTransport.builder().clock(CLOCK).build()))
                .write(batch("Tamper", 2));
        WebhookReceiver.Request request = receiver.requests().get(0);
        String timestamp = request.header(WebhookAuditSink.HEADER_TIMESTAMP);
        String signature = request.header(WebhookAuditSink.HEADER_SIGNATURE);
        byte[] body = request.body();
        byte[] tampered = new String(body, StandardCharsets.UTF_8)
                .replace("Tamper", "Tamped")
                .getBytes(StandardCharsets.UTF_8);
        WebhookVerifier verifier = WebhookVerifier.builder(SECRET).clock(CLOCK).build();

        assertThat(verifier.verify(timestamp, signature, body))
                .as("the request as sent")
                .isTrue();
        assertThat(verifier.verify(timestamp, signature, tampered))
                .as("tampered body")
                .isFalse();
        assertThat(verifier.verify(Long.toString(NOW.getEpochSecond() + 1), signature, body))
                .as("another timestamp")
                .isFalse();
        assertThat(WebhookVerifier.builder("another-secret-0123456789")
                        .clock(CLOCK)
                        .build()
                        .verify(timestamp, signature, body))
                .as("another secret")
                .isFalse();
        Clock later = Clock.offset(CLOCK, Duration.ofMinutes(5).plusSeconds(1));
        assertThat(WebhookVerifier.builder(SECRET).clock(later).build().verify(timestamp, signature, body))
                .as("replayed after the tolerance")
                .isFalse();
        assertThat(WebhookVerifier.builder(SECRET)
                        .clock(later)
                        .tolerance(Duration.ofMinutes(10))
                        .build()
                        .verify(timestamp, signature, body))
                .as("within a wider tolerance")
                .isTrue();
        assertThat(verifier.verify(null, signature, body)).isFalse();
        assertThat(verifier.verify(timestamp, null, body)).isFalse();
        assertThat(verifier.verify("yesterday", signature, body)).isFalse();
        assertThat(verifier.verify(timestamp, "v1=00", body)).isFalse();
        assertThat(verifier.toString()).doesNotContain(SECRET);
    }

    @Test
    void aRetriedBatchCarriesTheSameIdempotencyKeyAndAnotherBatchAnother() throws Exception {
        WebhookAuditSink sink = sink();
        AuditBatch batch = batch("Idempotent", 4);
        receiver.answerNext(503);

        assertThat(failureOf(sink, batch).isRetryable()).isTrue();
        sink.write(batch);
        sink.write(batch("Other", 4));

        List<String> keys = receiver.requests().stream()
                .map(r -> r.header(WebhookAuditSink.HEADER_IDEMPOTENCY_KEY))
                .toList();
        assertThat(keys.get(0)).matches("[0-9a-f]{32}").isEqualTo(keys.get(1));
        assertThat(keys.get(2)).matches("[0-9a-f]{32}").isNotEqualTo(keys.get(0));
        assertThat(receiver.acceptedEventIds()).hasSize(8);
    }

    @Test
    void honoursRetryAfterInSecondsOrAsADateOn429And503CappedAtTheMaximum() throws Exception {
        WebhookAuditSink sink = sink(WebhookAuditSink.builder(receiver.url())
                .secret(SECRET)
                .transport(HttpTransport.builder()
                        .clock(CLOCK)
                        .maxRetryAfter(Duration.ofMinutes(2))
                        .build()));
        AuditBatch batch = batch("Throttled", 1);

        receiver.answerNext(429, "Retry-After", "7");
        DeliveryException seconds = failureOf(sink, batch);
        assertThat(seconds.isRetryable()).isTrue();
        assertThat(seconds.errorCode()).isEqualTo("429");
        assertThat(seconds.retryAfter()).isEqualTo(Duration.ofSeconds(7));

        receiver.answerNext(
                503,
                "Retry-After",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atZone(ZoneOffset.UTC)));
        DeliveryException date = failureOf(sink, batch);
        assertThat(date.errorCode()).isEqualTo("503");
        assertThat(date.retryAfter()).isEqualTo(Duration.ofSeconds(90));

        receiver.answerNext(429, "Retry-After", "86400");
        assertThat(failureOf(sink, batch).retryAfter()).as("capped").isEqualTo(Duration.ofMinutes(2));

        receiver.answerNext(429);
        assertThat(failureOf(sink, batch).retryAfter()).as("no header").isNull();
        receiver.answerNext(500, "Retry-After", "7");
        assertThat(failureOf(sink, batch).retryAfter())
                .as("only on 429 and 503")
                .isNull();
        receiver.answerNext(429, "Retry-After", "soon");
        assertThat(failureOf(sink, batch).retryAfter()).as("malformed").isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 405, 410, 413, 415, 422})
    void aClientErrorThatNoOperatorCanFixIsPermanent(int status) throws Exception {
        receiver.answerNext(status);

        DeliveryException e = failureOf(sink(), batch("Refused", 2));

        assertThat(e.isRetryable()).isFalse();
        assertThat(e.errorCode()).isEqualTo(Integer.toString(status));
        assertThat(e.getMessage())
                .contains(
                        "POST http://127.0.0.1:" + receiver.port() + WebhookReceiver.PATH, "HTTP " + status, "scripted")
                .doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 401, 403, 404, 408, 409, 425, 429, 500, 502, 503, 504})
    void outagesThrottlingAndFixableConfigurationAreRetryable(int status) throws Exception {
        receiver.answerNext(status);
        receiver.answerNext(status); // OkHttp itself repeats a request answered 408 once

        DeliveryException e = failureOf(sink(), batch("Again", 2));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.errorCode()).isEqualTo(Integer.toString(status));
        assertThat(e.getMessage()).contains("HTTP " + status).doesNotContain(SECRET);
    }

    @Test
    void aWrongSecretIsRefusedByTheReceiverAndRetryable() throws Exception {
        WebhookAuditSink wrong = sink(WebhookAuditSink.builder(receiver.url()).secret("not-the-receivers-secret-42"));

        DeliveryException e = failureOf(wrong, batch("Wrong", 1));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.errorCode()).isEqualTo("401");
        assertThat(e.getMessage()).contains("bad signature").doesNotContain("not-the-receivers-secret-42");
        assertThat(receiver.requests().get(0).verified()).isFalse();
    }

    @Test
    void neverShowsTheSecretTheConfiguredHeadersOrTheUrlQuery() throws Exception {
        WebhookAuditSink sink = sink(WebhookAuditSink.builder(receiver.url() + "?token=query-secret-1")
                .secret(SECRET)
                .header("Authorization", "Bearer header-secret-2"));
        receiver.answerNext(500);

        DeliveryException e = failureOf(sink, batch("Hidden", 1));

        assertThat(receiver.requests().get(0).header("Authorization")).isEqualTo("Bearer header-secret-2");
        for (String shown : List.of(sink.toString(), String.valueOf(e.getMessage()), e.toString())) {
            assertThat(shown).doesNotContain(SECRET, "query-secret-1", "header-secret-2");
        }
        assertThat(sink.toString()).contains("127.0.0.1", WebhookReceiver.PATH);
    }

    @Test
    void aConnectionFailureIsRetryableAndSaysTheReceiverDidNotAnswer() throws Exception {
        WebhookAuditSink sink = sink();
        receiver.stop();

        DeliveryException e = failureOf(sink, batch("Down", 1));

        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("failed before the receiver answered");
    }

    @Test
    void closesOnlyTheClientItCreated() throws Exception {
        OkHttpClient borrowed = new OkHttpClient();
        try {
            WebhookAuditSink borrowing = WebhookAuditSink.builder(receiver.url())
                    .secret(SECRET)
                    .transport(HttpTransport.builder().client(borrowed).build())
                    .build();
            borrowing.write(batch("Borrowed", 1));
            borrowing.close();
            assertThat(borrowed.dispatcher().executorService().isShutdown()).isFalse();

            WebhookAuditSink owning =
                    WebhookAuditSink.builder(receiver.url()).secret(SECRET).build();
            owning.transport()
                    .client()
                    .newCall(new okhttp3.Request.Builder().url(receiver.url()).build())
                    .enqueue(new okhttp3.Callback() {
                        @Override
                        public void onFailure(okhttp3.Call call, java.io.IOException e) {}

                        @Override
                        public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                            response.close();
                        }
                    });
            owning.close();
            owning.close();
            assertThat(owning.transport()
                            .client()
                            .dispatcher()
                            .executorService()
                            .isShutdown())
                    .isTrue();
            assertThatThrownBy(() -> owning.write(batch("Closed", 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        } finally {
            borrowed.dispatcher().executorService().shutdown();
            borrowed.connectionPool().evictAll();
        }
    }

    @Test
    @SuppressWarnings("NullAway") // null where the API says non-null: the builder must still refuse it
    void rejectsBadConfigurationNamingTheValue() {
        assertThatThrownBy(() -> WebhookAuditSink.builder("ftp://example.com/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url must be an absolute http or https URL: 'ftp://example.com/x'");
        assertThatThrownBy(() -> WebhookAuditSink.builder("/relative")).hasMessageContaining("'/relative'");
        WebhookAuditSink.Builder b = WebhookAuditSink.builder("https://example.com/hook");
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secret is required");
        assertThatThrownBy(() -> b.secret("short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret must be at least 16 bytes: it has 5")
                .hasMessageNotContaining("short'");
        assertThatThrownBy(() -> b.batching(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.transport(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.name(" ")).hasMessage("name must not be blank: ' '");
        assertThatThrownBy(() -> b.header(WebhookAuditSink.HEADER_SIGNATURE, "x"))
                .hasMessageContaining("one the sink sets");
        assertThatThrownBy(() -> b.header("X-Token", "line\nbreak-secret"))
                .hasMessage("header 'X-Token' has an invalid name or value")
                .hasMessageNotContaining("break-secret");
        assertThatThrownBy(() -> WebhookVerifier.builder(new byte[0])).hasMessage("secret must not be empty");
        assertThatThrownBy(() -> WebhookVerifier.builder(SECRET).tolerance(Duration.ofSeconds(-1)))
                .hasMessage("tolerance must not be negative: PT-1S");

        OkHttpClient client = new OkHttpClient();
        assertThatThrownBy(() -> WebhookAuditSink.builder("https://example.com/hook")
                        .secret(SECRET)
                        .transport(HttpTransport.builder()
                                .client(client)
                                .callTimeout(Duration.ofSeconds(3))
                                .build())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set them on the given client");
        WebhookAuditSink configured = WebhookAuditSink.builder("https://example.com/hook")
                .secret(SECRET.getBytes(StandardCharsets.UTF_8))
                .name("audit-hook")
                .batching(WebhookAuditSink.DEFAULT_BATCHING
                        .withMaxEvents(10)
                        .withMaxBytes(2048)
                        .withLinger(Duration.ofMillis(5)))
                .build();
        assertThat(configured.name()).isEqualTo("audit-hook");
        assertThat(configured.batching().maxEvents()).isEqualTo(10);
        assertThat(configured.batching().maxBytes()).isEqualTo(2048);
        assertThat(configured.batching().linger()).isEqualTo(Duration.ofMillis(5));
        configured.close();
    }
}
