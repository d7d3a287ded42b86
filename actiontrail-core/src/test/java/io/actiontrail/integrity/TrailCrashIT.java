package io.actiontrail.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trail with tamper evidence whose process is killed with SIGKILL again and again while it records and delivers:
 * after each kill, what the sink holds (objects and manifests, some batches twice) verifies against the trail's
 * checkpoints, and after a clean drain every journaled event is there, covered by a checkpoint marked closed.
 */
class TrailCrashIT {

    private static final int KILLS = 8;

    @TempDir
    Path root;

    @Test
    void whatTheSinkHoldsVerifiesAfterEveryKillAndTheDrain() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.write(root.resolve("signing-key.der"), key.getPrivate().getEncoded());
        VerifierKey verifier = VerifierKey.of(TrailCrashChild.ORIGIN, key.getPublic());
        int uncoveredAfterKills = 0;
        Path objects = root.resolve("objects");
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = start("record");
            Thread.sleep(ThreadLocalRandom.current().nextLong(1_500, 3_000)); // start, then record and deliver a while
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (manifests(objects) > 0) {
                VerificationReport report =
                        ActionTrail.verifyTrail(objects, List.of(verifier), Duration.ofMinutes(1), null);
                // right after a kill, an object written before its manifest holds events no checkpoint covers yet:
                // that, and nothing else, may show until the next run delivers the batch again
                assertThat(report.findings())
                        .as("after kill %d: %s", kill, report.text())
                        .allSatisfy(f -> assertThat(f.kind()).isEqualTo(VerificationReport.Kind.UNCOVERED));
                uncoveredAfterKills += report.findings().size();
            }
        }
        Process drain = start("drain");
        String answer;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(drain.getInputStream(), StandardCharsets.UTF_8))) {
            answer = out.readLine();
        }
        assertThat(drain.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(answer).as(Files.readString(root.resolve("drain.err"))).isEqualTo("DRAINED true");

        VerificationReport report =
                ActionTrail.verifyTrail(objects, List.of(verifier), Duration.ofMinutes(1), Instant.now());
        assertThat(report.findings()).as(report.text()).isEmpty();
        assertThat(manifests(objects)).as("manifests written across the kills").isGreaterThan(KILLS);
        long journaled;
        try (var journal = ActionTrail.openReadOnly(root.resolve("data"))) {
            journaled = journal.nextPosition() - journal.firstPosition();
        }
        assertThat(journaled).isPositive();
        long signedFor = 0;
        try (var files = Files.list(objects)) {
            for (Path manifest :
                    files.filter(f -> f.toString().endsWith(".json")).toList()) {
                signedFor = Math.max(
                        signedFor,
                        Checkpoint.parse(TrailManifest.parse(Files.readString(manifest))
                                        .checkpoint()
                                        .text())
                                .size());
            }
        }
        assertThat(signedFor)
                .as("the newest checkpoint covers every journaled event")
                .isEqualTo(journaled);
        assertThat(report.entries())
                .as("every journaled event is in the sink, once per leaf")
                .isGreaterThanOrEqualTo(journaled);
        System.out.println("TrailCrashIT: " + KILLS + " kills (" + uncoveredAfterKills
                + " objects awaiting their manifest right after one), " + journaled + " events journaled, "
                + report.entries() + " lines checked against " + report.checkpoints() + " checkpoints");
    }

    private static long manifests(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    private Process start(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                TrailCrashChild.class.getName(),
                mode,
                root.toString());
        builder.redirectError(root.resolve(mode + ".err").toFile());
        return builder.start();
    }
}
