package io.actiontrail.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs checkpoints: the key behind a trail's tamper evidence. The built-in signers hold an Ed25519 key from a PKCS#8
 * file or a key store; a key management service plugs in by implementing this interface (the private key then never
 * enters the process). Implementations must be thread-safe and must never reveal the private key in
 * {@code toString()}, exceptions or logs.
 */
public interface CheckpointSigner {

    /** Returns the key's name in signed notes, for example {@code app.example/audit}. */
    String keyName();

    /** Returns the public half: what verifiers trust. */
    VerifierKey verifierKey();

    /**
     * Returns the Ed25519 signature of {@code message}.
     *
     * @throws IllegalStateException if the signer cannot sign now (a KMS that is unreachable, say)
     */
    byte[] sign(byte[] message);

    /**
     * Returns a signer of an Ed25519 key pair.
     *
     * @throws IllegalArgumentException if the name is not a valid key name or the keys are not Ed25519
     */
    static CheckpointSigner ed25519(String keyName, PrivateKey privateKey, PublicKey publicKey) {
        return new Ed25519Signer(keyName, privateKey, VerifierKey.of(keyName, publicKey));
    }

    /**
     * Returns a signer of the Ed25519 private key in a PKCS#8 file: PEM ({@code -----BEGIN PRIVATE KEY-----}, as
     * {@code openssl genpkey -algorithm ed25519} writes it) or DER. The public key is derived from it.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no Ed25519 private key; the message
     *     never contains the key
     */
    static CheckpointSigner fromPkcs8(String keyName, Path file) {
        Objects.requireNonNull(file, "file");
        byte[] der;
        try {
            byte[] content = Files.readAllBytes(file);
            String text = new String(content, StandardCharsets.US_ASCII);
            int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
            if (begin >= 0) {
                int end = text.indexOf("-----END PRIVATE KEY-----", begin);
                if (end < 0) {
                    throw new IllegalArgumentException(file + " has no END PRIVATE KEY line");
                }
                String body = text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end);
                der = Base64.getMimeDecoder().decode(body);
            } else {
                der = content;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the signing key " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a PEM or DER PKCS#8 private key", e);
        }
        return Ed25519Signer.fromPkcs8(keyName, der, file.toString());
    }

    /**
     * Returns a signer of the Ed25519 private key under {@code alias} in a key store (PKCS#12, say), whose
     * certificate holds the public key.
     *
     * @throws IllegalArgumentException if the entry is missing, locked with another password or not Ed25519
     */
    static CheckpointSigner fromKeyStore(String keyName, KeyStore keyStore, String alias, char[] password) {
        try {
            if (!(keyStore.getKey(alias, password) instanceof PrivateKey key)) {
                throw new IllegalArgumentException("the key store has no private key under alias '" + alias + "'");
            }
            Certificate certificate = keyStore.getCertificate(alias);
            if (certificate == null) {
                throw new IllegalArgumentException("the key store has no certificate under alias '" + alias + "'");
            }
            return ed25519(keyName, key, certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot read the key '" + alias + "' from the key store: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }
}
