package io.actiontrail.sink.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.TrailManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks, on the receiving side, that a request came from a {@link WebhookAuditSink} holding the shared secret and
 * was not altered or replayed late: the {@value WebhookAuditSink#HEADER_SIGNATURE} header must be {@code v1=} and the
 * lowercase hex HMAC-SHA256, under the secret, of the {@value WebhookAuditSink#HEADER_TIMESTAMP} header's value, a
 * full stop and the raw request body; and that timestamp must be within the tolerance of the receiver's clock.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.builder(secret).build();
 * if (!verifier.verify(request.header("X-ActionTrail-Timestamp"), request.header("X-ActionTrail-Signature"), rawBody)) {
 *     return 401;
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookVerifier {

    private static final JsonFactory JSON = new JsonFactory();

    /** The default tolerance between the request's timestamp and the receiver's clock: 5 minutes. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final byte[] secret;
    private final Duration tolerance;
    private final Clock clock;

    private WebhookVerifier(Builder builder) {
        this.secret = builder.secret.clone();
        this.tolerance = builder.tolerance;
        this.clock = builder.clock;
    }

    /** Returns a builder of a verifier for the given shared secret, as UTF-8. */
    public static Builder builder(String secret) {
        Objects.requireNonNull(secret, "secret");
        return new Builder(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns a builder of a verifier for the given shared secret; the bytes are copied. */
    public static Builder builder(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        return new Builder(secret.clone());
    }

    /**
     * Returns whether the request is authentic and fresh: its signature matches the timestamp and body, and the
     * timestamp is within the tolerance of this verifier's clock. Missing or malformed headers fail verification.
     *
     * @param timestamp the value of the {@value WebhookAuditSink#HEADER_TIMESTAMP} header, Unix seconds
     * @param signature the value of the {@value WebhookAuditSink#HEADER_SIGNATURE} header
     * @param body the request body exactly as received, before any parsing
     */
    public boolean verify(@Nullable String timestamp, @Nullable String signature, byte[] body) {
        Objects.requireNonNull(body, "body");
        if (timestamp == null || signature == null || !timestamp.matches("[0-9]{1,12}")) {
            return false;
        }
        Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
        Duration skew = Duration.between(sent, clock.instant()).abs();
        if (skew.compareTo(tolerance) > 0) {
            return false;
        }
        byte[] expected = Signatures.sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = signature.strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Decodes the {@value WebhookAuditSink#HEADER_CHECKPOINT} header: the trail's signed checkpoint covering the request's
     * events, or empty without the header.
     *
     * @throws IllegalArgumentException if the header is not a base64 signed note
     */
    public static Optional<SignedNote> checkpoint(@Nullable String header) {
        if (header == null) {
            return Optional.empty();
        }
        byte[] text;
        try {
            text = Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the checkpoint header is not base64", e);
        }
        return Optional.of(SignedNote.parse(new String(text, StandardCharsets.UTF_8)));
    }

    /**
     * Returns each event of a request's body, a JSON array, as its exact bytes: what a receiver appends as one line of
     * a file (followed by {@link TrailManifest#checkpointLine} of the request's checkpoint) to keep a copy that
     * {@code ActionTrail.verifyTrail} checks. Re-encoding the parsed events would not give the same bytes.
     *
     * @throws IllegalArgumentException if the body is not a JSON array of objects
     */
    public static List<byte[]> eventLines(byte[] body) {
        List<byte[]> lines = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("the body is not a JSON array");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                lines.add(Arrays.copyOfRange(body, start, end));
            }
            if (token != JsonToken.END_ARRAY) {
                throw new IllegalArgumentException("the body holds something other than event objects");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getMessage(), e);
        }
        return lines;
    }

    @Override
    public String toString() {
        return "WebhookVerifier{tolerance=" + tolerance + ", secret=****}";
    }

    /** Builds a {@link WebhookVerifier}. Not thread-safe. */
    public static final class Builder {
        private final byte[] secret;
        private Duration tolerance = DEFAULT_TOLERANCE;
        private Clock clock = Clock.systemUTC();

        private Builder(byte[] secret) {
            if (secret.length == 0) {
                throw new IllegalArgumentException("secret must not be empty");
            }
            this.secret = secret;
        }

        /** Sets how far the request's timestamp may be from the clock, either way; defaults to 5 minutes. */
        public Builder tolerance(Duration tolerance) {
            Objects.requireNonNull(tolerance, "tolerance");
            if (tolerance.isNegative()) {
                throw new IllegalArgumentException("tolerance must not be negative: " + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /** Sets the clock the timestamp is compared with; defaults to the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Returns the verifier. */
        public WebhookVerifier build() {
            return new WebhookVerifier(this);
        }
    }
}
