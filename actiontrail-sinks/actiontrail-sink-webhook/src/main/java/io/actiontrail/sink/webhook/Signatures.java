package io.actiontrail.sink.webhook;

import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The signature and idempotency-key scheme shared by the sink and the verifier. Stateless. */
final class Signatures {

    static final String VERSION_PREFIX = "v1=";
    private static final String HMAC = "HmacSHA256";

    private Signatures() {}

    /** Returns {@code v1=} and the lowercase hex HMAC-SHA256 of {@code timestamp + "." + body} under the secret. */
    static String sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            mac.update(body);
            return VERSION_PREFIX + HexFormat.of().formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // every Java platform has HmacSHA256, and a non-empty key is always valid for it
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Returns the idempotency key of a batch: 32 lowercase hex digits of the SHA-256 of its event ids, in order, each
     * followed by a line feed. A retried batch has the same key; a batch of other events has another.
     */
    static String idempotencyKey(AuditBatch batch) {
        MessageDigest sha256 = sha256();
        for (AuditRecord record : batch.records()) {
            sha256.update(record.eventId().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha256.digest(), 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
