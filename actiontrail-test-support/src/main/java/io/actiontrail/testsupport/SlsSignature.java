package io.actiontrail.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The Log Service's v1 request signature, computed from what {@link SlsEndpoint} received, apart from the sink's. */
final class SlsSignature {

    private SlsSignature() {}

    /**
     * The v1 signature as the service computes it from a received request: HMAC-SHA1 under the secret of the verb,
     * Content-MD5, Content-Type, Date, every {@code x-log-*} and {@code x-acs-*} header as {@code name:value} sorted
     * by name, and the path, each on its own line; base64.
     */
    static String of(String secret, String method, String path, Map<String, String> lowercaseHeaders) {
        StringJoiner text = new StringJoiner("\n");
        text.add(method)
                .add(lowercaseHeaders.getOrDefault("content-md5", ""))
                .add(lowercaseHeaders.getOrDefault("content-type", ""))
                .add(lowercaseHeaders.getOrDefault("date", ""));
        new TreeMap<>(lowercaseHeaders).forEach((name, value) -> {
            if (name.startsWith("x-log-") || name.startsWith("x-acs-")) {
                text.add(name + ":" + value);
            }
        });
        text.add(path);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
