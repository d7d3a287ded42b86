package io.actiontrail.integrity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An Ed25519 key that verifies signed notes (C2SP signed-note), in its text form
 * {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}. The key ID is the first four bytes of
 * {@code SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)}. Immutable and thread-safe.
 */
public final class VerifierKey {

    /** The signature type of Ed25519 in signed notes. */
    static final byte ED25519 = 0x01;

    /** What precedes a raw Ed25519 public key in its X.509 encoding. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String name;
    private final int keyId;
    private final byte[] publicKey;

    private VerifierKey(String name, byte[] publicKey) {
        this.name = name;
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, publicKey);
    }

    /**
     * Returns the verifier of a raw 32-byte Ed25519 public key under a key name.
     *
     * @throws IllegalArgumentException if the name is empty or holds a space or a plus, or the key is not 32 bytes
     */
    public static VerifierKey of(String name, byte[] publicKey) {
        checkName(name);
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + publicKey.length);
        }
        return new VerifierKey(name, publicKey);
    }

    /** Returns the verifier of a JDK Ed25519 public key under a key name. */
    public static VerifierKey of(String name, PublicKey key) {
        byte[] encoded = key.getEncoded();
        boolean ed25519 = "Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm());
        if (!ed25519 || encoded.length != X509_PREFIX.length + 32) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return of(name, Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length));
    }

    /**
     * Parses the text form {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}.
     *
     * @throws IllegalArgumentException if it is not one, or its key ID does not match its name and key
     */
    public static VerifierKey parse(String vkey) {
        int first = vkey.indexOf('+');
        int second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
        if (first <= 0 || second < 0 || second - first != 9) {
            throw new IllegalArgumentException("not a verifier key (name+keyid+key)");
        }
        String name = vkey.substring(0, first);
        byte[] key;
        int id;
        try {
            id = (int) Long.parseLong(vkey.substring(first + 1, second), 16);
            key = Base64.getDecoder().decode(vkey.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a verifier key (name+keyid+key): " + e.getMessage(), e);
        }
        if (key.length != 33 || key[0] != ED25519) {
            throw new IllegalArgumentException("not an Ed25519 verifier key");
        }
        VerifierKey parsed = of(name, Arrays.copyOfRange(key, 1, 33));
        if (parsed.keyId != id) {
            throw new IllegalArgumentException("the key ID of the verifier key does not match its name and key");
        }
        return parsed;
    }

    static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.codePoints().anyMatch(c -> c == '+' || Character.isWhitespace(c) || c < 0x20)) {
            throw new IllegalArgumentException("a key name must be non-empty, without spaces or '+': " + name);
        }
    }

    static int keyId(String name, byte[] publicKey) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        d.update(name.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0x0A);
        d.update(ED25519);
        d.update(publicKey);
        byte[] h = d.digest();
        return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    }

    /** Returns the key name. */
    public String name() {
        return name;
    }

    /** Returns the key ID. */
    public int keyId() {
        return keyId;
    }

    /** Returns the raw 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Returns the SHA-256 fingerprint of the public key, in hex, for status pages and logs. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Returns whether {@code signature} is this key's Ed25519 signature of {@code message}. */
    boolean verifies(byte[] message, byte[] signature) {
        try {
            byte[] encoded = new byte[X509_PREFIX.length + 32];
            System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
            System.arraycopy(publicKey, 0, encoded, X509_PREFIX.length, 32);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Returns the text form. */
    @Override
    public String toString() {
        byte[] key = new byte[33];
        key[0] = ED25519;
        System.arraycopy(publicKey, 0, key, 1, 32);
        return name + "+" + String.format("%08x", keyId) + "+"
                + Base64.getEncoder().encodeToString(key);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof VerifierKey k && k.name.equals(name) && Arrays.equals(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }
}
