package io.actiontrail.integrity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The proof that one journaled event is in the log a signed checkpoint commits to, in the C2SP tlog-proof text form:
 * the event's exact journal line travels as the proof's {@code extra} data, so the proof alone, the log's public key
 * and the JDK verify it. Immutable and thread-safe.
 */
public final class InclusionProof {

    private static final String HEADER = "c2sp.org/tlog-proof@v1";

    private final long index;
    private final List<byte[]> hashes;
    private final SignedNote checkpoint;
    private final byte[] entry;

    /**
     * Copies the parts of a proof.
     *
     * @param index the leaf's index in the log
     * @param hashes the audit path, from the leaf's sibling up
     * @param checkpoint the signed checkpoint the path leads to
     * @param entry the event's journal line, without its newline
     */
    public InclusionProof(long index, List<byte[]> hashes, SignedNote checkpoint, byte[] entry) {
        if (index < 0) {
            throw new IllegalArgumentException("a leaf index is not negative: " + index);
        }
        List<byte[]> copy = new ArrayList<>();
        for (byte[] hash : hashes) {
            copy.add(hash.clone());
        }
        this.index = index;
        this.hashes = List.copyOf(copy);
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.entry = entry.clone();
    }

    /** Returns the leaf's index: its position in the log. */
    public long index() {
        return index;
    }

    /** Returns the audit path, copies. */
    public List<byte[]> hashes() {
        List<byte[]> copy = new ArrayList<>();
        hashes.forEach(h -> copy.add(h.clone()));
        return copy;
    }

    /** Returns the signed checkpoint. */
    public SignedNote checkpoint() {
        return checkpoint;
    }

    /** Returns the event's journal line. */
    public String entry() {
        return new String(entry, StandardCharsets.UTF_8);
    }

    /**
     * Checks the proof: the checkpoint is signed by {@code key} and has the expected origin, and the entry is leaf
     * {@link #index()} of the tree it commits to.
     *
     * @throws ProofException naming what does not hold
     */
    public void verify(VerifierKey key, String origin) {
        checkpoint.verify(key);
        Checkpoint body;
        try {
            body = Checkpoint.parse(checkpoint.text());
        } catch (IllegalArgumentException e) {
            throw new ProofException("the signed note is not a checkpoint: " + e.getMessage());
        }
        if (!body.origin().equals(origin)) {
            throw new ProofException("the checkpoint is of log '" + body.origin() + "', not '" + origin + "'");
        }
        Merkle.verifyInclusion(index, body.size(), Merkle.leafHash(entry), hashes, body.rootHash());
    }

    /** Returns the C2SP tlog-proof text. */
    public String text() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        out.append("extra ").append(Base64.getEncoder().encodeToString(entry)).append('\n');
        out.append("index ").append(index).append('\n');
        for (byte[] hash : hashes) {
            out.append(Base64.getEncoder().encodeToString(hash)).append('\n');
        }
        return out.append('\n').append(checkpoint).toString();
    }

    /**
     * Parses the C2SP tlog-proof text form; the {@code extra} line must hold the entry.
     *
     * @throws IllegalArgumentException if the text is not such a proof
     */
    public static InclusionProof parse(String text) {
        Objects.requireNonNull(text, "text");
        int blank = text.indexOf("\n\n");
        if (blank < 0) {
            throw new IllegalArgumentException("not a tlog proof: no blank line before the checkpoint");
        }
        String[] lines = text.substring(0, blank).split("\n", -1);
        if (lines.length < 3 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not a tlog proof: the first line must be " + HEADER);
        }
        if (!lines[1].startsWith("extra ")) {
            throw new IllegalArgumentException("the proof carries no entry: its second line must be 'extra <base64>'");
        }
        if (!lines[2].startsWith("index ")) {
            throw new IllegalArgumentException("the proof's third line must be 'index <n>'");
        }
        try {
            byte[] entry = Base64.getDecoder().decode(lines[1].substring("extra ".length()));
            String digits = lines[2].substring("index ".length());
            if (digits.isEmpty() || (digits.length() > 1 && digits.charAt(0) == '0')) {
                throw new IllegalArgumentException("the index is not a decimal without leading zeros: " + digits);
            }
            long index = Long.parseLong(digits);
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 3; i < lines.length; i++) {
                byte[] hash = Base64.getDecoder().decode(lines[i]);
                if (hash.length != Merkle.HASH_BYTES) {
                    throw new IllegalArgumentException("line " + (i + 1) + " is not a SHA-256 hash");
                }
                hashes.add(hash);
            }
            return new InclusionProof(index, hashes, SignedNote.parse(text.substring(blank + 2)), entry);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the index is not a number: " + lines[2], e);
        }
    }

    @Override
    public String toString() {
        return text();
    }
}
