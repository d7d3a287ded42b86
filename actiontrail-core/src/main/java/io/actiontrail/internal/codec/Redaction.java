package io.actiontrail.internal.codec;

import io.actiontrail.internal.InternalApi;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which keys hold secrets: case-insensitive, ignoring separators, matching anywhere in the key.
 * Thread-safe: the keys are immutable and the verdicts are a bounded concurrent cache.
 */
@InternalApi
public final class Redaction {
    public static final Set<String> DEFAULT_KEYS =
            Set.of("password", "secret", "token", "authorization", "credential", "apiKey", "accessKeySecret", "cookie");

    private static final Redaction DEFAULTS = new Redaction(DEFAULT_KEYS);

    /** The most verdicts kept, and the longest key kept, so that arbitrary map keys cannot grow the heap. */
    private static final int MAX_VERDICTS = 1024;

    private static final int MAX_VERDICT_KEY_LENGTH = 64;

    private final String[] normalizedKeys;

    /**
     * Whether a key is secret, by key: the same few parameter and property names come back on every call, and
     * normalising one allocates a copy, twice per event (the builder's snapshot, then the redaction pass).
     */
    private final ConcurrentHashMap<String, Boolean> verdicts = new ConcurrentHashMap<>();

    Redaction(Set<String> keys) {
        this.normalizedKeys = keys.stream()
                .map(Redaction::normalize)
                .filter(k -> !k.isEmpty())
                .distinct()
                .toArray(String[]::new);
    }

    public static Redaction defaults() {
        return DEFAULTS;
    }

    /** The redaction of {@code keys}: the shared default one for the default keys. */
    public static Redaction of(Set<String> keys) {
        return keys.equals(DEFAULT_KEYS) ? DEFAULTS : new Redaction(keys);
    }

    public boolean isSecretKey(String key) {
        if (normalizedKeys.length == 0) {
            return false;
        }
        Boolean known = verdicts.get(key);
        if (known != null) {
            return known;
        }
        boolean secret = matches(key);
        if (key.length() <= MAX_VERDICT_KEY_LENGTH && verdicts.size() < MAX_VERDICTS) {
            verdicts.put(key, secret);
        }
        return secret;
    }

    private boolean matches(String key) {
        String normalized = normalize(key);
        for (String secret : normalizedKeys) {
            if (normalized.contains(secret)) {
                return true;
            }
        }
        return false;
    }

    static String normalize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }
}
