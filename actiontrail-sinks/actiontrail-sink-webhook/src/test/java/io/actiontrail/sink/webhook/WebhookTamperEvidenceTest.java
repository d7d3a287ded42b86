package io.actiontrail.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.integrity.TrailManifest;
import io.actiontrail.integrity.VerificationReport;
import io.actiontrail.testsupport.WebhookReceiver;
import io.actiontrail.trail.RetryPolicy;
import io.actiontrail.trail.Trail;
import io.actiontrail.transport.http.HttpTransport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trail with tamper evidence posting to a real receiver that refuses once: every accepted request carries the
 * trail's signed checkpoint in a header, the last one (the clean stop) comes without events, and a receiver that
 * appends each request's exact event lines and its checkpoint line to a file keeps a copy the trail verifier passes;
 * a request the receiver lost shows.
 */
final class WebhookTamperEvidenceTest {

    private static final String SECRET = "evidence-secret-0123456789abcdef";
    private static final Duration HEARTBEAT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @Test
    void aReceiversCopyOfTheRequestsVerifiesAndALostRequestShows() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        CheckpointSigner signer = CheckpointSigner.ed25519("orders.example", pair.getPrivate(), pair.getPublic());
        try (WebhookReceiver receiver =
                WebhookReceiver.start(WebhookVerifier.builder(SECRET).build()::verify)) {
            receiver.answerNext(503);
            WebhookAuditSink sink = WebhookAuditSink.builder(receiver.url())
                    .secret(SECRET)
                    .batching(WebhookAuditSink.DEFAULT_BATCHING
                            .withLinger(Duration.ofMillis(20))
                            .withMaxEvents(6))
                    .transport(HttpTransport.builder()
                            .callTimeout(Duration.ofSeconds(5))
                            .build())
                    .build();
            try (ActionTrail trail = ActionTrail.builder()
                    .serviceName("orders")
                    .shutdownHook(false)
                    .durability(Durability.GROUP)
                    .dataDir(dir.resolve("data"))
                    .integrity(Integrity.builder()
                            .signer(signer)
                            .heartbeatInterval(HEARTBEAT)
                            .build())
                    .trail(Trail.builder("hooks")
                            .sink(sink)
                            .retryPolicy(new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.2))
                            .build())
                    .build()) {
                for (int i = 0; i < 40; i++) {
                    trail.record(AuditEvent.builder("CreateOrder")
                            .resource("Order", "o-" + i)
                            .requestParameters(java.util.Map.of("note", "naïve \"quoted\" ✓"))
                            .build());
                }
                assertThat(trail.flush(Duration.ofSeconds(30))).isTrue();
            }

            List<WebhookReceiver.Request> accepted = receiver.requests().stream()
                    .filter(r -> r.status() / 100 == 2)
                    .toList();
            assertThat(receiver.requests())
                    .anySatisfy(r -> assertThat(r.status()).isEqualTo(503));
            assertThat(accepted).allSatisfy(r -> assertThat(r.verified()).isTrue());
            assertThat(accepted).allSatisfy(r -> assertThat(r.header(WebhookAuditSink.HEADER_CHECKPOINT))
                    .isNotNull());
            WebhookReceiver.Request last = accepted.get(accepted.size() - 1);
            assertThat(last.header(WebhookAuditSink.HEADER_EVENT_COUNT)).isEqualTo("0");
            Checkpoint closing =
                    Checkpoint.parse(WebhookVerifier.checkpoint(last.header(WebhookAuditSink.HEADER_CHECKPOINT))
                            .orElseThrow()
                            .text());
            assertThat(closing.size()).isEqualTo(40);
            assertThat(closing.extensions()).contains("actiontrail-closed");

            Path copy = dir.resolve("received.ndjson");
            Files.write(copy, linesOf(accepted, -1));
            assertThat(verify(copy, signer).findings()).isEmpty();
            assertThat(verify(copy, signer).entries()).isEqualTo(40);

            Path lost = dir.resolve("lost.ndjson");
            Files.write(lost, linesOf(accepted, 2));
            assertThat(verify(lost, signer).passed()).isFalse();
        }
    }

    /** What a receiver appends for each accepted request: its exact event lines, then its checkpoint line. */
    private static byte[] linesOf(List<WebhookReceiver.Request> accepted, int skipEventsOf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < accepted.size(); i++) {
            WebhookReceiver.Request request = accepted.get(i);
            if (i != skipEventsOf) {
                for (byte[] line : WebhookVerifier.eventLines(request.body())) {
                    out.writeBytes(line);
                    out.write('\n');
                }
            }
            Optional<SignedNote> checkpoint =
                    WebhookVerifier.checkpoint(request.header(WebhookAuditSink.HEADER_CHECKPOINT));
            checkpoint.ifPresent(
                    c -> out.writeBytes((TrailManifest.checkpointLine(c) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        return out.toByteArray();
    }

    private static VerificationReport verify(Path copy, CheckpointSigner signer) {
        return ActionTrail.verifyTrail(
                copy, List.of(signer.verifierKey()), HEARTBEAT, Instant.now().plus(Duration.ofMinutes(5)));
    }
}
