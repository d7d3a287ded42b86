package io.actiontrail.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.actiontrail.AuditEvent;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.DeliveryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Throttling and server errors are retryable and carry the server's code. S3Proxy cannot be made to throttle or fail,
 * so a minimal HTTP endpoint answers every request with the S3 error document; this proves the classification of the
 * response, not how a real S3 server decides to throttle.
 */
final class S3ServerErrorTest {

    @ParameterizedTest
    @CsvSource({"503, SlowDown", "503, ServiceUnavailable", "500, InternalError", "502, ''"})
    void throttlingAndServerErrorsAreRetryableWithTheServersCode(int status, String code) throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = code.isEmpty()
                    ? new byte[0]
                    : ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                                    + "</Code><Message>Please reduce your request rate.</Message>"
                                    + "<RequestId>REQ-1</RequestId></Error>")
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                // the client may hang up first
            }
        });
        http.start();
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create("http://" + http.getAddress().getHostString() + ":"
                        + http.getAddress().getPort()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            S3AuditSink sink = S3AuditSink.builder(client, "audit").build();

            assertThatThrownBy(() -> sink.write(AuditBatch.ofEvents(
                            List.of(AuditEvent.builder("Busy").build()))))
                    .isInstanceOfSatisfying(DeliveryException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.errorCode()).isEqualTo(code.isEmpty() ? String.valueOf(status) : code);
                        assertThat(e.getMessage()).contains("HTTP " + status, "s3://audit/ActionTrail/");
                    });
        } finally {
            http.stop(0);
        }
    }
}
