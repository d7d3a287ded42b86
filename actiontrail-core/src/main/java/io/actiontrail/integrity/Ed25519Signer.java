package io.actiontrail.integrity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/** An Ed25519 key held by the process. Thread-safe; {@code toString()} shows the public half only. */
final class Ed25519Signer implements CheckpointSigner {

    private final String keyName;
    private final PrivateKey privateKey;
    private final VerifierKey verifierKey;

    Ed25519Signer(String keyName, PrivateKey privateKey, VerifierKey verifierKey) {
        if (!"EdDSA".equals(privateKey.getAlgorithm()) && !"Ed25519".equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + privateKey.getAlgorithm());
        }
        this.keyName = keyName;
        this.privateKey = privateKey;
        this.verifierKey = verifierKey;
        byte[] probe = "actiontrail key check".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (!verifierKey.verifies(probe, sign(probe))) {
            throw new IllegalArgumentException("the public key " + verifierKey + " is not the private key's");
        }
    }

    /** Reads a DER PKCS#8 Ed25519 private key and derives its public key. */
    static Ed25519Signer fromPkcs8(String keyName, byte[] der, String source) {
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(key instanceof EdECPrivateKey edec) || edec.getBytes().isEmpty()) {
                throw new IllegalArgumentException(source + " holds no Ed25519 private key");
            }
            byte[] seed = edec.getBytes().get();
            KeyPair pair;
            try {
                // Ed25519 derives the public key from the 32-byte seed alone: generating with the seed as the only
                // randomness yields the pair of this private key
                KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
                generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
                pair = generator.generateKeyPair();
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
            return new Ed25519Signer(keyName, key, VerifierKey.of(keyName, pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    source + " holds no Ed25519 PKCS#8 private key ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    @Override
    public String keyName() {
        return keyName;
    }

    @Override
    public VerifierKey verifierKey() {
        return verifierKey;
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + verifierKey.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Ed25519Signer{" + verifierKey + "}";
    }

    /** Randomness that returns one seed: how the JDK is made to rebuild a key pair from its private key. */
    private static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            Arrays.fill(seed, (byte) 0);
        }
    }
}
