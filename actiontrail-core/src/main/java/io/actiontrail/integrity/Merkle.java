package io.actiontrail.integrity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Merkle tree of RFC 6962 and RFC 9162 over SHA-256: leaf hash {@code SHA-256(0x00 ‖ entry)}, interior hash
 * {@code SHA-256(0x01 ‖ left ‖ right)}, the left subtree of {@code n} leaves holding the largest power of two below
 * {@code n}. Builds roots and proofs from leaf hashes, and verifies inclusion and consistency proofs, as the RFCs
 * define them. Stateless and thread-safe; every array passed in or returned is a copy or left untouched.
 */
public final class Merkle {

    /** The size of every hash: 32 bytes. */
    public static final int HASH_BYTES = 32;

    private Merkle() {}

    /** Returns the root of the empty tree: the SHA-256 of nothing. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** Returns the hash of a leaf holding {@code entry}. */
    public static byte[] leafHash(byte[] entry) {
        MessageDigest d = sha256();
        d.update((byte) 0);
        d.update(entry);
        return d.digest();
    }

    /** Returns the hash of the interior node over {@code left} and {@code right}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update((byte) 1);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /**
     * The hashes of a tree's perfect subtrees, where a tree is kept: {@code perfect(level, index)} is the root of the
     * {@code 2^level} leaves from {@code index * 2^level} on, each of them present. The proofs below ask for no other.
     * Implementations are called from one thread at a time per proof; a shared one must be thread-safe.
     */
    @FunctionalInterface
    public interface Subtrees {
        /** Returns the root of leaves {@code [index << level, (index + 1) << level)}. */
        byte[] perfect(int level, long index);
    }

    /** Returns the root of the tree whose leaves have these hashes, in order. */
    public static byte[] root(List<byte[]> leafHashes) {
        return root(leafHashes.size(), of(leafHashes));
    }

    /** Returns the root of the first {@code size} leaves of a kept tree. */
    public static byte[] root(long size, Subtrees tree) {
        if (size < 0) {
            throw new IllegalArgumentException("a tree size is not negative: " + size);
        }
        return size == 0 ? emptyRoot() : subtree(tree, 0, size);
    }

    /**
     * Returns the audit path of leaf {@code index} in the tree of these leaf hashes: the hashes, from the leaf's
     * sibling upwards, that recompute the root with the leaf's hash.
     *
     * @throws IllegalArgumentException if {@code index} is not a leaf of the tree
     */
    public static List<byte[]> inclusionProof(int index, List<byte[]> leafHashes) {
        return inclusionProof(index, leafHashes.size(), of(leafHashes));
    }

    /**
     * Returns the audit path of leaf {@code index} in the tree of the first {@code size} leaves of a kept tree.
     *
     * @throws IllegalArgumentException if {@code index} is not a leaf of that tree
     */
    public static List<byte[]> inclusionProof(long index, long size, Subtrees tree) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size + " leaves");
        }
        List<byte[]> path = new ArrayList<>();
        path(index, tree, 0, size, path);
        return path;
    }

    /**
     * Returns the proof that the tree of the first {@code size1} leaves is a prefix of the tree of all of them.
     *
     * @throws IllegalArgumentException if {@code size1} is not between 1 and the number of leaves
     */
    public static List<byte[]> consistencyProof(int size1, List<byte[]> leafHashes) {
        return consistencyProof(size1, leafHashes.size(), of(leafHashes));
    }

    /**
     * Returns the proof that the tree of the first {@code size1} leaves of a kept tree is a prefix of the tree of its
     * first {@code size2}.
     *
     * @throws IllegalArgumentException if {@code size1} is not between 1 and {@code size2}
     */
    public static List<byte[]> consistencyProof(long size1, long size2, Subtrees tree) {
        if (size1 < 1 || size1 > size2) {
            throw new IllegalArgumentException(
                    "no consistency proof from a tree of " + size1 + " leaves to one of " + size2);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(size1, tree, 0, size2, true, proof);
        return proof;
    }

    /** The perfect subtrees of a list of leaf hashes, each computed when asked. */
    private static Subtrees of(List<byte[]> leafHashes) {
        List<byte[]> leaves = List.copyOf(leafHashes);
        return new Subtrees() {
            @Override
            public byte[] perfect(int level, long index) {
                long from = index << level;
                return hashLeaves(leaves, (int) from, (int) (from + (1L << level)));
            }
        };
    }

    private static byte[] hashLeaves(List<byte[]> leaves, int from, int to) {
        if (to - from == 1) {
            return leaves.get(from).clone();
        }
        int half = (to - from) / 2;
        return nodeHash(hashLeaves(leaves, from, from + half), hashLeaves(leaves, from + half, to));
    }

    /**
     * Checks that the leaf with hash {@code leafHash} is leaf {@code index} of the tree of {@code treeSize} leaves
     * whose root is {@code root}.
     *
     * @throws ProofException naming what does not hold
     */
    public static void verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root) {
        requireHash(root, "the root");
        if (index < 0 || index >= treeSize) {
            throw new ProofException("leaf " + index + " is not in a tree of " + treeSize + " leaves");
        }
        byte[] computed = rootFromInclusionProof(index, treeSize, leafHash, proof);
        if (!MessageDigest.isEqual(computed, root)) {
            throw new ProofException("the inclusion proof of leaf " + index
                    + " does not lead to the root of the tree of " + treeSize + " leaves");
        }
    }

    /**
     * Returns the root that an inclusion proof leads to from a leaf hash.
     *
     * @throws ProofException if the proof has the wrong number of hashes for the position and the size
     */
    public static byte[] rootFromInclusionProof(long index, long treeSize, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= treeSize) {
            throw new ProofException("leaf " + index + " is not in a tree of " + treeSize + " leaves");
        }
        requireHash(leafHash, "the leaf hash");
        proof.forEach(p -> requireHash(p, "a hash of the proof"));
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash.clone();
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new ProofException("the inclusion proof is longer than the tree is high");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new ProofException("the inclusion proof is shorter than the path from the leaf to the root");
        }
        return r;
    }

    /**
     * Checks that the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree of {@code size2}
     * leaves with root {@code root2}: that nothing the first tree holds was changed or removed.
     *
     * @throws ProofException naming what does not hold
     */
    public static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
        if (size1 < 0 || size2 < size1) {
            throw new ProofException("a tree of " + size2 + " leaves cannot extend one of " + size1);
        }
        if (size1 == 0) {
            throw new ProofException("a consistency proof from the empty tree proves nothing");
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new ProofException("two trees of the same size need an empty consistency proof");
            }
            if (!MessageDigest.isEqual(root1, root2)) {
                throw new ProofException("two trees of " + size1 + " leaves have different roots: a fork");
            }
            return;
        }
        if (proof.isEmpty()) {
            throw new ProofException("the consistency proof from " + size1 + " to " + size2 + " leaves is empty");
        }
        requireHash(root1, "the first root");
        requireHash(root2, "the second root");
        proof.forEach(p -> requireHash(p, "a hash of the proof"));
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            path.add(0, root1.clone()); // the first tree is a complete subtree: its root starts the path
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                throw new ProofException("the consistency proof is longer than the trees are high");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new ProofException("the consistency proof is too short");
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            throw new ProofException("the consistency proof does not lead to the root of the tree of " + size1
                    + " leaves: the earlier tree was not kept");
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            throw new ProofException(
                    "the consistency proof does not lead to the root of the tree of " + size2 + " leaves");
        }
    }

    private static void requireHash(byte[] hash, String what) {
        if (hash.length != HASH_BYTES) {
            throw new ProofException(
                    what + " has " + hash.length + " bytes, not the " + HASH_BYTES + " of a SHA-256 hash");
        }
    }

    // ---------------------------------------------------------------- RFC 6962, section 2.1

    /**
     * MTH(D[from, to)), for {@code to > from}. In the RFC's recursion {@code from} is a multiple of the largest power
     * of two not above {@code to - from}, so a range of a power-of-two size is a perfect subtree.
     */
    private static byte[] subtree(Subtrees tree, long from, long to) {
        long n = to - from;
        if (Long.bitCount(n) == 1) {
            int level = Long.numberOfTrailingZeros(n);
            return tree.perfect(level, from >>> level).clone();
        }
        long k = largestPowerOfTwoBelow(n);
        return nodeHash(subtree(tree, from, from + k), subtree(tree, from + k, to));
    }

    /** PATH(m, D[from, to)), appended to {@code out}. */
    private static void path(long m, Subtrees tree, long from, long to, List<byte[]> out) {
        long n = to - from;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, tree, from, from + k, out);
            out.add(subtree(tree, from + k, to));
        } else {
            path(m - k, tree, from + k, to, out);
            out.add(subtree(tree, from, from + k));
        }
    }

    /** SUBPROOF(m, D[from, to), complete), appended to {@code out}. */
    private static void subproof(long m, Subtrees tree, long from, long to, boolean complete, List<byte[]> out) {
        long n = to - from;
        if (m == n) {
            if (!complete) {
                out.add(subtree(tree, from, to));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, tree, from, from + k, complete, out);
            out.add(subtree(tree, from + k, to));
        } else {
            subproof(m - k, tree, from + k, to, false, out);
            out.add(subtree(tree, from, from + k));
        }
    }

    /** The largest power of two strictly below {@code n}, for {@code n > 1}. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Returns whether two hashes are equal, in time independent of where they differ. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"));
    }
}
