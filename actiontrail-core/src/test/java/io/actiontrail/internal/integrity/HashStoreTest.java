package io.actiontrail.internal.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.integrity.Merkle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashStoreTest {

    @TempDir
    Path dir;

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(Merkle.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    @Test
    void rootsAndProofsOfEverySizeEqualThoseComputedFromTheLeaves() throws IOException {
        List<byte[]> leaves = leaves(300);
        try (HashStore store = HashStore.open(dir)) {
            for (int n = 1; n <= leaves.size(); n++) {
                store.append(leaves.get(n - 1));
                List<byte[]> prefix = leaves.subList(0, n);
                assertThat(store.root(n)).isEqualTo(Merkle.root(prefix));
                if (n % 7 == 0 || n < 20) {
                    for (int m = 0; m < n; m += Math.max(1, n / 5)) {
                        assertThat(Merkle.inclusionProof(m, n, store))
                                .containsExactlyElementsOf(Merkle.inclusionProof(m, prefix));
                        assertThat(Merkle.consistencyProof(m + 1, n, store))
                                .containsExactlyElementsOf(Merkle.consistencyProof(m + 1, prefix));
                    }
                }
            }
            // roots of earlier sizes stay readable after more appends
            assertThat(store.root(77)).isEqualTo(Merkle.root(leaves.subList(0, 77)));
        }
    }

    @Test
    void reopensWhatItFlushedAndKeepsGrowing() throws IOException {
        List<byte[]> leaves = leaves(2500); // more than one buffer of hashes
        try (HashStore store = HashStore.open(dir)) {
            for (byte[] leaf : leaves.subList(0, 1300)) {
                store.append(leaf);
            }
            store.flush(true);
        }
        try (HashStore store = HashStore.open(dir)) {
            assertThat(store.size()).isEqualTo(1300);
            assertThat(store.root(1300)).isEqualTo(Merkle.root(leaves.subList(0, 1300)));
            for (byte[] leaf : leaves.subList(1300, 2500)) {
                store.append(leaf);
            }
            assertThat(store.root(2500)).isEqualTo(Merkle.root(leaves));
            assertThat(store.bytes()).isLessThanOrEqualTo(2L * 2500 * Merkle.HASH_BYTES);
        }
    }

    @Test
    void repairsATornHashAndUpperLevelsACrashLeftBehind() throws IOException {
        List<byte[]> leaves = leaves(1000);
        try (HashStore store = HashStore.open(dir)) {
            for (byte[] leaf : leaves) {
                store.append(leaf);
            }
            store.flush(true);
        }
        // a crash: a torn half hash at level 0, level 1 short by ten hashes, level 3 gone
        Files.write(dir.resolve("hashes-00"), new byte[13], StandardOpenOption.APPEND);
        try (var channel = java.nio.channels.FileChannel.open(dir.resolve("hashes-01"), StandardOpenOption.WRITE)) {
            channel.truncate((500 - 10) * 32L);
        }
        Files.delete(dir.resolve("hashes-03"));
        try (HashStore store = HashStore.open(dir)) {
            assertThat(store.size()).isEqualTo(1000);
            assertThat(store.root(1000)).isEqualTo(Merkle.root(leaves));
            assertThat(store.root(999)).isEqualTo(Merkle.root(leaves.subList(0, 999)));
        }
        assertThat(Files.size(dir.resolve("hashes-00"))).isEqualTo(1000 * 32L);
    }

    @Test
    void cutsBackToAShorterTree() throws IOException {
        List<byte[]> leaves = leaves(100);
        Random random = new Random(7);
        try (HashStore store = HashStore.open(dir)) {
            for (byte[] leaf : leaves) {
                store.append(leaf);
            }
            int keep = 1 + random.nextInt(99);
            store.truncate(keep);
            assertThat(store.root(keep)).isEqualTo(Merkle.root(leaves.subList(0, keep)));
            for (byte[] leaf : leaves.subList(keep, 100)) {
                store.append(leaf);
            }
            assertThat(store.root(100)).isEqualTo(Merkle.root(leaves));
        }
    }
}
