package io.actiontrail.integrity;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of a C2SP tlog-checkpoint: the log's origin, its tree size and its root hash, then optional extension
 * lines; the text a {@link SignedNote} signs.
 *
 * <p>Immutable and thread-safe.
 */
public final class Checkpoint {

    private final String origin;
    private final long size;
    private final byte[] rootHash;
    private final List<String> extensions;

    /**
     * Validates and copies the values.
     *
     * @param origin the log's identity, for example {@code app.example/trail/audit-log}
     * @param size the number of leaves
     * @param rootHash the RFC 6962 root of those leaves
     * @param extensions extension lines, each non-empty
     * @throws IllegalArgumentException if a value is not valid
     */
    public Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
        Objects.requireNonNull(origin, "origin");
        if (origin.isEmpty() || origin.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a checkpoint's origin must be one non-empty line");
        }
        if (size < 0) {
            throw new IllegalArgumentException("a tree size is not negative: " + size);
        }
        if (rootHash.length != Merkle.HASH_BYTES) {
            throw new IllegalArgumentException("a root hash has 32 bytes, not " + rootHash.length);
        }
        for (String line : extensions) {
            if (line.isEmpty() || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("an extension line must be one non-empty line");
            }
        }
        this.origin = origin;
        this.size = size;
        this.rootHash = rootHash.clone();
        this.extensions = List.copyOf(extensions);
    }

    /** Returns the log's identity. */
    public String origin() {
        return origin;
    }

    /** Returns the number of leaves. */
    public long size() {
        return size;
    }

    /** Returns the root hash. */
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** Returns the extension lines. */
    public List<String> extensions() {
        return extensions;
    }

    /** Returns the note text: origin, size and base64 root, one per line, then the extensions. */
    public String body() {
        StringBuilder b = new StringBuilder()
                .append(origin)
                .append('\n')
                .append(size)
                .append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash))
                .append('\n');
        extensions.forEach(e -> b.append(e).append('\n'));
        return b.toString();
    }

    /**
     * Reads a checkpoint's note text.
     *
     * @throws IllegalArgumentException if it is not one (fewer than three lines, a size with a leading zero or a
     *     sign, a root that is not the base64 of 32 bytes, an empty extension line)
     */
    public static Checkpoint parse(String body) {
        if (!body.endsWith("\n")) {
            throw new IllegalArgumentException("a checkpoint's text ends in a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new IllegalArgumentException("a checkpoint has an origin, a size and a root hash");
        }
        String size = lines[1];
        if (size.isEmpty()
                || !size.chars().allMatch(c -> c >= '0' && c <= '9')
                || (size.length() > 1 && size.charAt(0) == '0')
                || size.length() > 19) {
            throw new IllegalArgumentException("not a tree size: " + size);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the root hash is not base64", e);
        }
        List<String> extensions = new ArrayList<>(List.of(lines).subList(3, lines.length));
        return new Checkpoint(lines[0], Long.parseLong(size), root, extensions);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Checkpoint c
                && c.origin.equals(origin)
                && c.size == size
                && java.util.Arrays.equals(c.rootHash, rootHash)
                && c.extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, java.util.Arrays.hashCode(rootHash), extensions);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", " + size + ", " + Base64.getEncoder().encodeToString(rootHash) + "]";
    }
}
