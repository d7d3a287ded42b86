package io.actiontrail.sink.sls;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Log Service request signing, version 1 ({@code x-log-signaturemethod: hmac-sha1}):
 *
 * <pre>
 * Authorization: LOG &lt;AccessKeyId&gt;:base64(HMAC-SHA1(AccessKeySecret,
 *     VERB + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n"
 *     + every x-log-* and x-acs-* header as lowercase-name:value, sorted by name, joined by "\n" + "\n"
 *     + path [+ "?" + query parameters sorted by name, name=value joined by "&amp;"]))
 * </pre>
 *
 * Stateless.
 */
final class Signer {

    /** The RFC 1123 date of the {@code Date} header, always two-digit days, in English, in GMT. */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private static final String HMAC_SHA1 = "HmacSHA1";

    private Signer() {}

    /**
     * Returns the {@code Authorization} header value.
     *
     * @param signedHeaders the {@code x-log-*} and {@code x-acs-*} headers sent, names in lowercase
     * @param resource the path, with its query string already canonicalised when there is one
     */
    static String authorization(
            String accessKeyId,
            String accessKeySecret,
            String verb,
            String contentMd5,
            String contentType,
            String date,
            SortedMap<String, String> signedHeaders,
            String resource) {
        StringBuilder text = new StringBuilder(256)
                .append(verb)
                .append('\n')
                .append(contentMd5)
                .append('\n')
                .append(contentType)
                .append('\n')
                .append(date)
                .append('\n');
        boolean first = true;
        for (Map.Entry<String, String> header : signedHeaders.entrySet()) {
            if (!first) {
                text.append('\n');
            }
            first = false;
            text.append(header.getKey()).append(':').append(header.getValue());
        }
        text.append('\n').append(resource);
        return "LOG " + accessKeyId + ":" + hmacSha1(accessKeySecret, text.toString());
    }

    /** Returns the {@code Content-MD5} header value: the uppercase hex MD5 of the body as sent. */
    static String contentMd5(byte[] body) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private static String hmacSha1(String secret, String text) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // every Java platform has HmacSHA1, and a non-empty key is always valid for it
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }
}
