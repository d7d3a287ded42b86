package io.actiontrail.integrity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A signed note (C2SP signed-note): a text ending in a newline, a blank line, and one signature line per key,
 * {@code — <key name> base64(key ID ‖ signature)}. Signs with Ed25519 from the JDK and verifies against
 * {@link VerifierKey}s, ignoring the signatures of unknown keys as the format requires.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text the signed text, ending in a newline
 * @param signatures the signature lines, in order
 */
public record SignedNote(String text, List<NoteSignature> signatures) {

    /** The most signatures a note may carry here. */
    public static final int MAX_SIGNATURES = 100;

    /** One signature line: the key name, the key ID and the signature. Immutable and thread-safe. */
    public static final class NoteSignature {
        private final String keyName;
        private final int keyId;
        private final byte[] signature;

        /**
         * Validates and copies the values.
         *
         * @param keyName the signer's key name
         * @param keyId the signer's key ID
         * @param signature the signature bytes, without the key ID
         */
        public NoteSignature(String keyName, int keyId, byte[] signature) {
            VerifierKey.checkName(keyName);
            this.keyName = keyName;
            this.keyId = keyId;
            this.signature = signature.clone();
        }

        /** Returns the signer's key name. */
        public String keyName() {
            return keyName;
        }

        /** Returns the signer's key ID. */
        public int keyId() {
            return keyId;
        }

        /** Returns the signature bytes. */
        public byte[] signature() {
            return signature.clone();
        }

        String line() {
            byte[] all = new byte[4 + signature.length];
            all[0] = (byte) (keyId >>> 24);
            all[1] = (byte) (keyId >>> 16);
            all[2] = (byte) (keyId >>> 8);
            all[3] = (byte) keyId;
            System.arraycopy(signature, 0, all, 4, signature.length);
            return "\u2014 " + keyName + " " + Base64.getEncoder().encodeToString(all) + "\n";
        }
    }

    /** Validates and copies the values. */
    public SignedNote {
        checkText(text);
        signatures = List.copyOf(signatures);
    }

    private static void checkText(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("a note's text must end in a newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException("a note must not hold control characters");
            }
        }
    }

    /**
     * Signs {@code text} with an Ed25519 private key under a key name.
     *
     * @throws IllegalArgumentException if the text or name is not valid, or the key is not Ed25519
     */
    public static SignedNote sign(String text, String keyName, PrivateKey key, PublicKey publicKey) {
        checkText(text);
        VerifierKey verifier = VerifierKey.of(keyName, publicKey);
        try {
            java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(text.getBytes(StandardCharsets.UTF_8));
            return new SignedNote(text, List.of(new NoteSignature(keyName, verifier.keyId(), signer.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /**
     * Signs {@code text} with a {@link CheckpointSigner}.
     *
     * @throws IllegalArgumentException if the text is not valid note text
     * @throws IllegalStateException if the signer cannot sign
     */
    public static SignedNote sign(String text, CheckpointSigner signer) {
        checkText(text);
        VerifierKey key = signer.verifierKey();
        byte[] signature = signer.sign(text.getBytes(StandardCharsets.UTF_8));
        return new SignedNote(text, List.of(new NoteSignature(key.name(), key.keyId(), signature)));
    }

    /**
     * Parses a signed note.
     *
     * @throws IllegalArgumentException if it is not one (no blank line before the signatures, a bad signature line,
     *     control characters, too many signatures)
     */
    public static SignedNote parse(String note) {
        Objects.requireNonNull(note, "note");
        int split = note.lastIndexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new IllegalArgumentException("not a signed note: no blank line before the signatures");
        }
        String text = note.substring(0, split + 1);
        List<NoteSignature> signatures = new ArrayList<>();
        for (String line : note.substring(split + 2).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("\u2014 ")) {
                throw new IllegalArgumentException("not a signature line: it must start with an em dash");
            }
            int space = line.indexOf(' ', 2);
            if (space < 0) {
                throw new IllegalArgumentException("a signature line needs a key name and a signature");
            }
            byte[] all;
            try {
                all = Base64.getDecoder().decode(line.substring(space + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a signature is not base64", e);
            }
            if (all.length < 5) {
                throw new IllegalArgumentException("a signature is too short");
            }
            int id = ((all[0] & 0xff) << 24) | ((all[1] & 0xff) << 16) | ((all[2] & 0xff) << 8) | (all[3] & 0xff);
            signatures.add(
                    new NoteSignature(line.substring(2, space), id, java.util.Arrays.copyOfRange(all, 4, all.length)));
            if (signatures.size() > MAX_SIGNATURES) {
                throw new IllegalArgumentException("a note with more than " + MAX_SIGNATURES + " signatures");
            }
        }
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("a signed note needs a signature");
        }
        return new SignedNote(text, signatures);
    }

    /**
     * Checks the signature of {@code key}: present, and valid.
     *
     * @throws ProofException if the note carries no signature of this key (same name and key ID), or it does not
     *     verify
     */
    public void verify(VerifierKey key) {
        boolean found = false;
        for (NoteSignature s : signatures) {
            if (s.keyName().equals(key.name()) && s.keyId() == key.keyId()) {
                found = true;
                if (!key.verifies(text.getBytes(StandardCharsets.UTF_8), s.signature)) {
                    throw new ProofException("the signature of " + key.name() + " does not verify: the note was changed"
                            + " or signed by another key");
                }
            }
        }
        if (!found) {
            throw new ProofException(
                    "the note is not signed by " + key.name() + "+" + String.format("%08x", key.keyId()));
        }
    }

    /** Returns the note in its text form. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(text).append('\n');
        signatures.forEach(s -> out.append(s.line()));
        return out.toString();
    }
}
