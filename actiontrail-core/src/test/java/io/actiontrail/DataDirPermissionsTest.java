package io.actiontrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.actiontrail.trail.Trail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The data directory and everything the journal, its cursors and its indexes create in it are readable and writable
 * by their owner only, whatever the process's umask allows; a directory an earlier version left open to others is
 * closed at open, with a warning.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class DataDirPermissionsTest {

    private static final String OWNER_DIRECTORY = "rwx------";
    private static final String OWNER_FILE = "rw-------";

    @TempDir
    Path root;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.actiontrail");

    @BeforeEach
    void captureWarnings() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void stopCapturing() {
        logger.detachAppender(log);
    }

    @Test
    void createsTheDataDirectoryAndEveryFileOwnerOnlyWhateverTheUmaskAllows() throws IOException {
        assumeUmaskLetsOthersRead();
        Path dataDir = root.resolve("parent").resolve("journal");

        recordAndClose(dataDir, 400);

        Map<String, String> modes = modes(dataDir);
        assertThat(modes)
                .as("the journal's files")
                .containsKeys(
                        "lock",
                        "journal.id",
                        "cursors",
                        "cursors/t~s.cursor",
                        "integrity/log.properties",
                        "integrity/hashes-00",
                        "integrity/trails/t/s/log.properties",
                        "insights",
                        "insights/state.bin")
                .hasKeySatisfying(new org.assertj.core.api.Condition<>(p -> p.endsWith(".jsonl"), "a segment"))
                .hasKeySatisfying(new org.assertj.core.api.Condition<>(p -> p.endsWith(".idx"), "a time index"))
                .hasKeySatisfying(new org.assertj.core.api.Condition<>(p -> p.endsWith(".qidx"), "a query index"));
        modes.forEach((path, mode) -> assertThat(mode)
                .as("permissions of %s", path)
                .isEqualTo(Files.isDirectory(dataDir.resolve(path)) ? OWNER_DIRECTORY : OWNER_FILE));
        assertThat(modeOf(dataDir)).as("the data directory").isEqualTo(OWNER_DIRECTORY);
        // the parents are the application's, created as it creates directories
        assertThat(modeOf(root.resolve("parent")))
                .as("the data directory's parent")
                .isNotEqualTo(OWNER_DIRECTORY);
        assertThat(log.list).as("warnings").isEmpty();
    }

    @Test
    void closesADataDirectoryAnEarlierVersionLeftOpenToOthersAndSaysSoOnce() throws IOException {
        Path dataDir = root.resolve("journal");
        recordAndClose(dataDir, 100);
        // as an earlier version left it: everything readable by others
        Path foreign = Files.writeString(dataDir.resolve("notes.txt"), "not the journal's");
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path path : all.toList()) {
                Files.setPosixFilePermissions(
                        path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }

        recordAndClose(dataDir, 10);

        Map<String, String> modes = modes(dataDir);
        assertThat(modes.remove("notes.txt"))
                .as("a file that is not the journal's")
                .isEqualTo("rw-r--r--");
        modes.forEach((path, mode) -> assertThat(mode)
                .as("permissions of %s", path)
                .isEqualTo(Files.isDirectory(dataDir.resolve(path)) ? OWNER_DIRECTORY : OWNER_FILE));
        assertThat(modeOf(dataDir)).isEqualTo(OWNER_DIRECTORY);
        assertThat(Files.exists(foreign)).isTrue();
        List<String> warnings =
                log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings)
                .as("warnings")
                .singleElement()
                .asString()
                .contains(dataDir.toAbsolutePath().toString())
                .contains("now owner-only");

        recordAndClose(dataDir, 10);
        assertThat(log.list).as("warnings after the next open").hasSize(1);
    }

    /** Records with tamper evidence on, so that the integrity log's files and the trail's log are checked too. */
    private static void recordAndClose(Path dataDir, int events) {
        ScriptedSink sink = new ScriptedSink("s");
        java.security.KeyPair pair;
        try {
            pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("svc")
                .dataDir(dataDir)
                .segmentBytes(64 * 1024)
                .shutdownHook(false)
                .integrity(io.actiontrail.integrity.Integrity.builder()
                        .signer(io.actiontrail.integrity.CheckpointSigner.ed25519(
                                "test", pair.getPrivate(), pair.getPublic()))
                        .build())
                .trail(Trail.builder("t").sink(sink).build())
                .build()) {
            for (int i = 0; i < events; i++) {
                trail.record(AuditEvent.builder("Write")
                        .requestParameter("n", i)
                        .requestParameter("padding", "x".repeat(400))
                        .build());
            }
            assertThat(trail.flush(Duration.ofSeconds(20))).isTrue();
        }
    }

    /** The test means something only where a file created without care is readable by others. */
    private void assumeUmaskLetsOthersRead() throws IOException {
        Set<PosixFilePermission> plain = Files.getPosixFilePermissions(Files.createFile(root.resolve("plain")));
        assumeThat(plain).as("umask of this process").contains(PosixFilePermission.OTHERS_READ);
    }

    /** Every path under {@code dir}, relative, to its permissions. */
    private static Map<String, String> modes(Path dir) throws IOException {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.toList()) {
                if (!path.equals(dir)) {
                    modes.put(dir.relativize(path).toString(), modeOf(path));
                }
            }
        }
        return modes;
    }

    private static String modeOf(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
