package io.actiontrail.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Merkle tree against the published vectors: the roots of the RFC 6962 test tree of eight leaves, and every
 * inclusion and consistency proof of the vendored test data (valid ones accepted, every corrupted one refused); then
 * proofs this class builds, over random trees, verified and refused once altered.
 */
class MerkleVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /** The leaves of the RFC 6962 test tree and the roots of its first 0 to 8 leaves. */
    private static final String[] LEAVES = {
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
    };

    private static final String[] ROOTS = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    };

    private static List<byte[]> testTree(int size) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            leaves.add(Merkle.leafHash(HEX.parseHex(LEAVES[i])));
        }
        return leaves;
    }

    @Test
    void theRootsOfTheRfcTestTree() {
        for (int size = 0; size <= 8; size++) {
            assertThat(HEX.formatHex(Merkle.root(testTree(size))))
                    .as("size %d", size)
                    .isEqualTo(ROOTS[size]);
        }
    }

    private static Stream<Path> vectors(String kind) throws IOException, URISyntaxException {
        Path dir = Path.of(
                Objects.requireNonNull(MerkleVectorsTest.class.getResource("/vectors/transparency-dev/" + kind), kind)
                        .toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        return files.stream();
    }

    private static byte[] bytes(JsonNode node) {
        return node.isNull() || node.isMissingNode()
                ? new byte[0]
                : Base64.getDecoder().decode(node.asText());
    }

    private static List<byte[]> proof(JsonNode node) {
        List<byte[]> proof = new ArrayList<>();
        node.forEach(p -> proof.add(bytes(p)));
        return proof;
    }

    @Test
    void everyPublishedInclusionVector() throws Exception {
        List<String> wrong = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        for (Path file : vectors("inclusion").toList()) {
            JsonNode v = JSON.readTree(file.toFile());
            long index = v.path("leafIdx").asLong();
            long size = v.path("treeSize").asLong();
            byte[] leaf = bytes(v.path("leafHash"));
            byte[] root = bytes(v.path("root"));
            List<byte[]> proof = proof(v.path("proof"));
            boolean accepted;
            try {
                Merkle.verifyInclusion(index, size, leaf, proof, root);
                accepted = true;
            } catch (ProofException e) {
                accepted = false;
            }
            if (accepted == v.path("wantErr").asBoolean()) {
                wrong.add(String.valueOf(file.subpath(Math.max(0, file.getNameCount() - 2), file.getNameCount())));
            }
            if (accepted) {
                valid++;
            } else {
                invalid++;
            }
        }
        assertThat(wrong).as("vectors answered wrongly").isEmpty();
        assertThat(valid).isGreaterThanOrEqualTo(4);
        assertThat(invalid).isGreaterThan(50);
    }

    @Test
    void everyPublishedConsistencyVector() throws Exception {
        List<String> wrong = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        for (Path file : vectors("consistency").toList()) {
            JsonNode v = JSON.readTree(file.toFile());
            long size1 = v.path("size1").asLong();
            long size2 = v.path("size2").asLong();
            byte[] root1 = bytes(v.path("root1"));
            byte[] root2 = bytes(v.path("root2"));
            List<byte[]> proof = proof(v.path("proof"));
            boolean accepted;
            try {
                Merkle.verifyConsistency(size1, size2, root1, root2, proof);
                accepted = true;
            } catch (ProofException e) {
                accepted = false;
            }
            if (accepted == v.path("wantErr").asBoolean()) {
                wrong.add(String.valueOf(file.subpath(Math.max(0, file.getNameCount() - 2), file.getNameCount())));
            }
            if (accepted) {
                valid++;
            } else {
                invalid++;
            }
        }
        assertThat(wrong).as("vectors answered wrongly").isEmpty();
        assertThat(valid).isGreaterThanOrEqualTo(5);
        assertThat(invalid).isGreaterThan(50);
    }

    @Test
    void proofsItBuildsVerifyAndAlteredOnesDoNot() {
        Random r = new Random(6962);
        for (int round = 0; round < 300; round++) {
            int size = 1 + r.nextInt(70);
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                byte[] entry = new byte[r.nextInt(40)];
                r.nextBytes(entry);
                leaves.add(Merkle.leafHash(entry));
            }
            byte[] root = Merkle.root(leaves);
            int index = r.nextInt(size);
            List<byte[]> path = Merkle.inclusionProof(index, leaves);
            Merkle.verifyInclusion(index, size, leaves.get(index), path, root);
            if (size > 1) {
                int other = (index + 1 + r.nextInt(size - 1)) % size;
                assertThatThrownBy(() -> Merkle.verifyInclusion(other, size, leaves.get(index), path, root))
                        .isInstanceOf(ProofException.class);
            }
            byte[] changed = leaves.get(index).clone();
            changed[r.nextInt(changed.length)] ^= 1;
            assertThatThrownBy(() -> Merkle.verifyInclusion(index, size, changed, path, root))
                    .isInstanceOf(ProofException.class);

            int size1 = 1 + r.nextInt(size);
            byte[] root1 = Merkle.root(leaves.subList(0, size1));
            List<byte[]> consistency = Merkle.consistencyProof(size1, leaves);
            Merkle.verifyConsistency(size1, size, root1, root, consistency);
            // an earlier tree whose leaf was altered: a rewritten history
            List<byte[]> forked = new ArrayList<>(leaves.subList(0, size1));
            int at = r.nextInt(size1);
            byte[] altered = forked.get(at).clone();
            altered[0] ^= 1;
            forked.set(at, altered);
            byte[] forkedRoot = Merkle.root(forked);
            assertThatThrownBy(() -> Merkle.verifyConsistency(size1, size, forkedRoot, root, consistency))
                    .isInstanceOf(ProofException.class);
            if (!consistency.isEmpty()) {
                List<byte[]> truncated = consistency.subList(0, consistency.size() - 1);
                assertThatThrownBy(() -> Merkle.verifyConsistency(size1, size, root1, root, truncated))
                        .isInstanceOf(ProofException.class);
            }
        }
    }

    @Test
    void refusesWhatIsNotATree() {
        List<byte[]> leaves = testTree(3);
        assertThatThrownBy(() -> Merkle.inclusionProof(3, leaves)).hasMessageContaining("not in a tree of 3");
        assertThatThrownBy(() -> Merkle.consistencyProof(0, leaves)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Merkle.verifyConsistency(4, 3, new byte[32], new byte[32], List.of()))
                .hasMessageContaining("cannot extend");
        byte[] root = Merkle.root(leaves);
        assertThatThrownBy(() -> Merkle.verifyConsistency(3, 3, root, Merkle.emptyRoot(), List.of()))
                .hasMessageContaining("a fork");
    }
}
