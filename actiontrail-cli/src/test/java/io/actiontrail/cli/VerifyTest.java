package io.actiontrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.TrailManifest;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.trail.Trail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} over a journal a real instance wrote with tamper evidence, untouched and then changed. */
class VerifyTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void passesOnTheUntouchedJournalAndNamesAChangedLine() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("orders.example/audit", pair.getPrivate(), pair.getPublic());
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .dataDir(dataDir)
                .integrity(Integrity.builder().signer(signer).build())
                .build()) {
            for (int i = 0; i < 200; i++) {
                trail.record(AuditEvent.builder("CreateOrder").eventId("v-" + i).build());
            }
        }
        String key = signer.verifierKey().toString();

        CliTest.Run ok = CliTest.cli("verify", "--data-dir", dataDir.toString(), "--key", key);
        assertThat(ok.status()).isZero();
        assertThat(ok.out()).startsWith("OK: 0 findings; 200 entries");

        Path keyFile = work.resolve("trusted.keys");
        Files.writeString(keyFile, "# the audit key\n" + key + "\n");
        assertThat(CliTest.cli("verify", "--data-dir", dataDir.toString(), "--key-file", keyFile.toString())
                        .status())
                .isZero();

        Path segment;
        try (Stream<Path> files = Files.list(dataDir)) {
            segment = files.filter(p -> p.toString().endsWith(".jsonl"))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> lines = Files.readAllLines(segment, StandardCharsets.UTF_8);
        lines.set(42, lines.get(42).replace("\"v-42\"", "\"v-4x\""));
        Files.writeString(segment, String.join("\n", lines) + "\n");
        CliTest.Run changed = CliTest.cli("verify", "--data-dir", dataDir.toString(), "--key", key);
        assertThat(changed.status()).isEqualTo(1);
        assertThat(changed.out()).contains("MODIFIED at 42:").contains("FAILED: 1 finding");
    }

    @Test
    void refusesMissingOrMalformedKeysAsUsageErrors() {
        CliTest.Run none = CliTest.cli("verify", "--data-dir", dataDir.toString());
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("--key or --key-file is required");
        CliTest.Run bad = CliTest.cli("verify", "--data-dir", dataDir.toString(), "--key", "not-a-key");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("not a verifier key");
        assertThat(CliTest.cli("verify", "--help").out()).contains("--key-file");
    }

    @Test
    void verifiesATrailsCopyFromASinkAndNamesARemovedEvent() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("orders.example/audit", pair.getPrivate(), pair.getPublic());
        Path copy = work.resolve("trail.ndjson");
        AuditSink lines = new AuditSink() {
            @Override
            public void write(AuditBatch batch) {
                StringBuilder text = new StringBuilder();
                for (AuditRecord record : batch.records()) {
                    text.append(record.json()).append('\n');
                }
                batch.checkpoint().ifPresent(c -> text.append(TrailManifest.checkpointLine(c))
                        .append('\n'));
                append(text.toString());
            }

            @Override
            public void writeCheckpoint(SignedNote checkpoint) {
                append(TrailManifest.checkpointLine(checkpoint) + "\n");
            }

            private void append(String text) {
                try {
                    Files.writeString(copy, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        try (ActionTrail trail = ActionTrail.builder()
                .serviceName("orders")
                .shutdownHook(false)
                .dataDir(dataDir)
                .integrity(Integrity.builder().signer(signer).build())
                .trail(Trail.builder("archive").sink("lines", lines).build())
                .build()) {
            for (int i = 0; i < 50; i++) {
                trail.record(AuditEvent.builder("CreateOrder").eventId("t-" + i).build());
            }
        }
        String key = signer.verifierKey().toString();
        CliTest.Run ok = CliTest.cli("verify", "--copy", copy.toString(), "--key", key, "--as-of", "now");
        assertThat(ok.status()).isZero();
        assertThat(ok.out()).startsWith("OK: 0 findings; 50 entries");

        List<String> all = new ArrayList<>(Files.readAllLines(copy, StandardCharsets.UTF_8));
        all.removeIf(line -> line.contains("\"t-17\""));
        Files.write(copy, all, StandardCharsets.UTF_8);
        CliTest.Run changed = CliTest.cli("verify", "--copy", copy.toString(), "--key", key);
        assertThat(changed.status()).isEqualTo(Cli.FAILED);
        assertThat(changed.out()).startsWith("DELETED").contains("FAILED: 1 finding; 49 entries");

        assertThat(CliTest.cli("verify", "--copy", copy.toString(), "--key", key, "--as-of", "yesterday")
                        .status())
                .isEqualTo(2);
        assertThat(CliTest.cli("verify", "--copy", copy.toString(), "--data-dir", dataDir.toString(), "--key", key)
                        .status())
                .isEqualTo(2);
    }
}
