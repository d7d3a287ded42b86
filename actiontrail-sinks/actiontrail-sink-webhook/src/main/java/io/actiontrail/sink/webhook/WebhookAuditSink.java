package io.actiontrail.sink.webhook;

import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.transport.http.HttpAuditSink;
import io.actiontrail.transport.http.HttpTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Delivers audit events to an HTTP endpoint: each batch is one {@code POST} of a JSON array of the events (schema
 * version 1.0, journal order), signed with HMAC-SHA256 so that the receiver can check where it came from.
 *
 * <pre>{@code
 * AuditSink webhook = WebhookAuditSink.builder("https://audit.example.com/hooks/actiontrail")
 *         .secret(System.getenv("AUDIT_WEBHOOK_SECRET"))
 *         .build();
 * }</pre>
 *
 * <p><b>Headers.</b> {@code Content-Type: application/json}; {@value #HEADER_TIMESTAMP}: the Unix time in seconds
 * when the request was signed; {@value #HEADER_SIGNATURE}: {@code v1=} and the lowercase hex HMAC-SHA256, under the
 * secret, of the timestamp, a full stop and the raw body ({@link WebhookVerifier} checks it); {@value
 * #HEADER_IDEMPOTENCY_KEY}: derived from the batch's event ids, the same on every retry of the batch, so a receiver
 * can ignore a batch it already processed; {@value #HEADER_EVENT_COUNT}: the number of events.
 *
 * <p><b>Failures.</b> A 2xx answer delivers the batch. Connection failures, timeouts, 5xx, 408, 425 and 429 are
 * retryable; so are 401, 403 and 404, which mean a wrong secret or URL that an operator can fix while the backlog
 * waits in the journal. On 429 and 503 a {@code Retry-After} header (seconds or an HTTP date, capped at the
 * transport's {@link HttpTransport#maxRetryAfter()}) makes the pipeline wait at least that long. Any other 4xx means the receiver refuses this
 * content and always will: the failure is permanent and the batch is dropped, counted and reported. Every failure
 * carries the HTTP status as its error code; messages never contain the secret, the configured headers or the URL's
 * query.
 *
 * <p>Requests go through an {@link HttpTransport}: one given to the builder is borrowed and stays open when the sink
 * is closed; otherwise the sink creates one with the defaults and closes it with the sink.
 *
 * <p>Thread-safe to share; {@link #write} is called by the pipeline from one thread at a time.
 */
public final class WebhookAuditSink extends HttpAuditSink {

    /** The default sink name: {@value}. */
    public static final String DEFAULT_NAME = "webhook";

    /** The header with the Unix time in seconds at which the request was signed: {@value}. */
    public static final String HEADER_TIMESTAMP = "X-ActionTrail-Timestamp";

    /** The header with the HMAC-SHA256 signature, {@code v1=<hex>}: {@value}. */
    public static final String HEADER_SIGNATURE = "X-ActionTrail-Signature";

    /** The header with the batch's idempotency key: {@value}. */
    public static final String HEADER_IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The header with the number of events in the body: {@value}. */
    public static final String HEADER_EVENT_COUNT = "X-ActionTrail-Event-Count";

    /**
     * The header with the trail's signed checkpoint covering the request's events, when the trail has tamper
     * evidence: the signed note's UTF-8 text in base64 (a note spans lines). A request with no event and this header
     * is a heartbeat. {@link WebhookVerifier#checkpoint} decodes it; {@link WebhookVerifier#eventLines} gives the events'
     * exact lines, so a receiver that appends both to a file of JSON lines keeps a copy the trail verifier checks.
     */
    public static final String HEADER_CHECKPOINT = "X-ActionTrail-Checkpoint";

    /** The default batching: up to 500 events or 1 MiB of JSON per request, or what came within 1 second. */
    public static final Batching DEFAULT_BATCHING = new Batching(500, 1024L * 1024, Duration.ofSeconds(1));

    /** The shortest accepted secret, in bytes: {@value}. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** 4xx answers that an operator can fix, or that pass by themselves: the batch stays and is retried. */
    private static final Set<Integer> RETRYABLE_CLIENT_ERRORS = Set.of(401, 403, 404, 408, 409, 425, 429);

    private static final int MAX_ANSWER_CHARS = 200;

    private final HttpUrl url;
    private final String safeUrl;
    private final byte[] secret;
    private final Headers extraHeaders;

    private WebhookAuditSink(Builder builder, byte[] secret) {
        super("webhook sink", builder);
        this.url = builder.url;
        this.safeUrl = safe(builder.url);
        this.secret = secret;
        this.extraHeaders = Headers.of(builder.headers);
    }

    /**
     * Returns a builder of a sink that POSTs to {@code url}.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL
     */
    public static Builder builder(String url) {
        Objects.requireNonNull(url, "url");
        HttpUrl parsed = HttpUrl.parse(url.strip());
        if (parsed == null) {
            throw new IllegalArgumentException("url must be an absolute http or https URL: '" + url + "'");
        }
        return new Builder(parsed);
    }

    /**
     * POSTs the batch.
     *
     * @throws DeliveryException when the receiver did not answer 2xx; see the class description for which failures
     *     are retryable
     * @throws IllegalStateException if the sink was closed
     */
    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        HttpTransport transport = transport();
        Request request = request(batch, transport.now());
        try (Response response = transport.client().newCall(request).execute()) {
            int code = response.code();
            if (code >= 200 && code < 300) {
                return;
            }
            throw failure(
                    code,
                    (code == 429 || code == 503) ? transport.retryAfter(response) : null,
                    answer(response),
                    batch);
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "POST " + safeUrl + " of " + batch.size() + " events failed before the receiver answered: " + e, e);
        }
    }

    /** Returns the signed request for the batch at the given time; the same batch always has the same body and key. */
    Request request(AuditBatch batch, Instant now) {
        byte[] body = body(batch);
        String timestamp = Long.toString(now.getEpochSecond());
        Request.Builder request = new Request.Builder()
                .url(url)
                .headers(extraHeaders)
                .header(HEADER_TIMESTAMP, timestamp)
                .header(HEADER_SIGNATURE, Signatures.sign(secret, timestamp, body))
                .header(HEADER_IDEMPOTENCY_KEY, Signatures.idempotencyKey(batch))
                .header(HEADER_EVENT_COUNT, Integer.toString(batch.size()));
        batch.checkpoint().ifPresent(c -> request.header(HEADER_CHECKPOINT, encode(c)));
        return request.post(RequestBody.create(body, JSON)).build();
    }

    /**
     * Posts a checkpoint without events, {@code []} with the {@value #HEADER_CHECKPOINT} header: a heartbeat, or the
     * last at a clean stop. Failures are as for {@link #write}.
     */
    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkOpen();
        HttpTransport transport = transport();
        byte[] body = {'[', ']'};
        String timestamp = Long.toString(transport.now().getEpochSecond());
        Request request = new Request.Builder()
                .url(url)
                .headers(extraHeaders)
                .header(HEADER_TIMESTAMP, timestamp)
                .header(HEADER_SIGNATURE, Signatures.sign(secret, timestamp, body))
                .header(HEADER_EVENT_COUNT, "0")
                .header(HEADER_CHECKPOINT, encode(checkpoint))
                .post(RequestBody.create(body, JSON))
                .build();
        try (Response response = transport.client().newCall(request).execute()) {
            int code = response.code();
            if (code < 200 || code >= 300) {
                throw DeliveryException.retryable("POST " + safeUrl + " of a checkpoint was answered HTTP " + code);
            }
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "POST " + safeUrl + " of a checkpoint failed before the receiver answered: " + e, e);
        }
    }

    private static String encode(SignedNote checkpoint) {
        return java.util.Base64.getEncoder()
                .encodeToString(checkpoint.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] body(AuditBatch batch) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream((int) Math.min(batch.sizeInBytes() + 2 + batch.size(), 1 << 30));
        try {
            out.write('[');
            boolean first = true;
            for (AuditRecord record : batch.records()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                record.writeTo(out);
            }
            out.write(']');
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return out.toByteArray();
    }

    private DeliveryException failure(int code, @Nullable Duration wait, String answer, AuditBatch batch) {
        String message = "POST " + safeUrl + " of " + batch.size() + " events was answered HTTP " + code
                + (answer.isEmpty() ? "" : ": " + answer);
        String errorCode = Integer.toString(code);
        boolean retryable = code < 400 || HttpTransport.isRetryable(code) || RETRYABLE_CLIENT_ERRORS.contains(code);
        if (!retryable) {
            return DeliveryException.permanent(message + "; the receiver refuses this batch, which is dropped")
                    .withErrorCode(errorCode);
        }
        DeliveryException failure = DeliveryException.retryable(message).withErrorCode(errorCode);
        return wait == null ? failure : failure.withRetryAfter(wait);
    }

    /** The start of the receiver's answer, on one line, for the message. */
    private static String answer(Response response) {
        try {
            String text = response.peekBody(MAX_ANSWER_CHARS * 4L).string();
            text = text.replaceAll("\\s+", " ").strip();
            return text.length() > MAX_ANSWER_CHARS ? text.substring(0, MAX_ANSWER_CHARS) + "…" : text;
        } catch (IOException e) {
            return "";
        }
    }

    /** The URL without user info, query or fragment, which may hold credentials. */
    private static String safe(HttpUrl url) {
        return url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
    }

    @Override
    public String toString() {
        return "WebhookAuditSink{name=" + name() + ", url=" + safeUrl + '}';
    }

    /** Builds a {@link WebhookAuditSink}. Not thread-safe. */
    public static final class Builder extends HttpAuditSink.Builder<Builder> {
        private final HttpUrl url;
        private byte @Nullable [] secret;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(HttpUrl url) {
            super(DEFAULT_NAME, DEFAULT_BATCHING);
            this.url = url;
        }

        /**
         * Sets the shared secret that signs every request, as UTF-8; required, at least {@value #MIN_SECRET_BYTES}
         * bytes.
         */
        public Builder secret(String secret) {
            Objects.requireNonNull(secret, "secret");
            return secret(secret.getBytes(StandardCharsets.UTF_8));
        }

        /** Sets the shared secret that signs every request; required, at least {@value #MIN_SECRET_BYTES} bytes. */
        public Builder secret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException(
                        "secret must be at least " + MIN_SECRET_BYTES + " bytes: it has " + secret.length);
            }
            this.secret = secret.clone();
            return this;
        }

        /**
         * Adds a header sent with every request, for example the receiver's own {@code Authorization}; its value is
         * never logged. The signature headers cannot be replaced.
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            String lower = name.strip().toLowerCase(Locale.ROOT);
            if (lower.isEmpty()
                    || lower.equals(HEADER_TIMESTAMP.toLowerCase(Locale.ROOT))
                    || lower.equals(HEADER_SIGNATURE.toLowerCase(Locale.ROOT))
                    || lower.equals(HEADER_IDEMPOTENCY_KEY.toLowerCase(Locale.ROOT))
                    || lower.equals(HEADER_EVENT_COUNT.toLowerCase(Locale.ROOT))
                    || lower.equals("content-type")) {
                throw new IllegalArgumentException(
                        "header name must not be blank or one the sink sets: '" + name + "'");
            }
            // OkHttp checks names and values; fail here, while configuring, without echoing the value
            try {
                Headers.of(name.strip(), value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("header '" + name + "' has an invalid name or value", null);
            }
            headers.put(name.strip(), value);
            return this;
        }

        /**
         * Returns the sink.
         *
         * @throws IllegalStateException if no secret was set
         */
        public WebhookAuditSink build() {
            byte[] key = secret;
            if (key == null) {
                throw new IllegalStateException("secret is required: every request is signed");
            }
            return new WebhookAuditSink(this, key);
        }
    }
}
