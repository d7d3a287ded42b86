package io.actiontrail.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.IntegrityStatus;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.spring.TestAutoConfigurations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** {@code actiontrail.integrity.*} and {@code actiontrail.query-index} in a real application context. */
@ExtendWith(OutputCaptureExtension.class)
class IntegrityPropertiesTest {

    @TempDir
    Path dir;

    private final Path dataDir = Path.of("target/test-journal/" + UUID.randomUUID());

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.ALL)
            .withPropertyValues("spring.application.name=orders", "actiontrail.data-dir=" + dataDir);

    @Test
    void aKeyFileTurnsOnTamperEvidenceThatVerifiesAndNeverShowsTheKey(CapturedOutput output) throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String privateKey =
                Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded());
        Path keyFile = dir.resolve("signing.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + privateKey + "\n-----END PRIVATE KEY-----\n");

        runner.withPropertyValues(
                        "actiontrail.integrity.key-file=" + keyFile,
                        "actiontrail.integrity.checkpoint-interval=200ms",
                        "actiontrail.query-index=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ActionTrail actionTrail = context.getBean(ActionTrail.class);
                    IntegrityStatus status = actionTrail.integrityStatus().orElseThrow();
                    assertThat(status.origin()).isEqualTo("orders/actiontrail");
                    assertThat(status.keyName()).isEqualTo("orders/actiontrail");
                    actionTrail.record(
                            AuditEvent.builder("CreateOrder").eventId("o-1").build());
                    actionTrail
                            .inclusionProof("o-1")
                            .verify(
                                    CheckpointSigner.fromPkcs8("orders/actiontrail", keyFile)
                                            .verifierKey(),
                                    "orders/actiontrail");
                });
        VerificationReport report = ActionTrail.verify(
                dataDir,
                List.of(CheckpointSigner.fromPkcs8("orders/actiontrail", keyFile)
                        .verifierKey()),
                Duration.ofMinutes(1));
        assertThat(report.findings()).isEmpty();
        assertThat(report.entries()).isEqualTo(1);
        // the query index was off: no index file was written
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".qidx"));
        }
        assertThat(output).doesNotContain(privateKey.substring(0, 20));
    }

    @Test
    void aSignerBeanIsUsedForAKeyManagementService() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("kms.example/audit", pair.getPrivate(), pair.getPublic());
        runner.withBean(CheckpointSigner.class, () -> signer)
                .withPropertyValues("actiontrail.integrity.origin=orders.example/audit")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IntegrityStatus status =
                            context.getBean(ActionTrail.class).integrityStatus().orElseThrow();
                    assertThat(status.keyName()).isEqualTo("kms.example/audit");
                    assertThat(status.origin()).isEqualTo("orders.example/audit");
                    assertThat(status.fingerprint())
                            .isEqualTo(signer.verifierKey().fingerprint());
                });
    }

    @Test
    void withoutAKeyThereIsNoTamperEvidence() {
        runner.run(context ->
                assertThat(context.getBean(ActionTrail.class).integrityStatus()).isEmpty());
    }

    @Test
    void aBadKeyFileOrIntervalIsAClearStartupError() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "not a key");
        runner.withPropertyValues("actiontrail.integrity.key-file=" + garbage)
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("garbage.pem"));
        runner.withPropertyValues("actiontrail.integrity.key-file=" + dir.resolve("absent.pem"))
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("actiontrail.integrity.key-file"));
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        runner.withBean(
                        CheckpointSigner.class,
                        () -> CheckpointSigner.ed25519("k", pair.getPrivate(), pair.getPublic()))
                .withPropertyValues("actiontrail.integrity.heartbeat-interval=10ms")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("actiontrail.integrity.heartbeat-interval"));
    }
}
