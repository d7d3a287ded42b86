package io.actiontrail.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class HttpTransportTest {

    private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");

    @Test
    void createsItsOwnClientWithTheTimeoutsAndNoRedirects() {
        try (HttpTransport transport = HttpTransport.builder()
                .connectTimeout(Duration.ofSeconds(2))
                .callTimeout(Duration.ofSeconds(4))
                .build()) {
            assertThat(transport.client().connectTimeoutMillis()).isEqualTo(2000);
            assertThat(transport.client().callTimeoutMillis()).isEqualTo(4000);
            assertThat(transport.client().followRedirects()).isFalse();
            assertThat(transport.toString()).contains("own client", "PT2S", "PT4S");
        }
        try (HttpTransport defaults = HttpTransport.createDefault()) {
            assertThat(defaults.client().connectTimeoutMillis()).isEqualTo(10_000);
            assertThat(defaults.client().callTimeoutMillis()).isEqualTo(30_000);
            assertThat(defaults.maxRetryAfter()).isEqualTo(HttpTransport.DEFAULT_MAX_RETRY_AFTER);
        }
    }

    @Test
    void closesOnlyTheClientItCreated() {
        OkHttpClient borrowed = new OkHttpClient();
        try {
            HttpTransport borrowing = HttpTransport.builder().client(borrowed).build();
            assertThat(borrowing.client()).isSameAs(borrowed);
            borrowing.close();
            assertThat(borrowed.dispatcher().executorService().isShutdown()).isFalse();
            assertThat(borrowing.toString()).contains("borrowed client");

            HttpTransport owning = HttpTransport.createDefault();
            owning.close();
            owning.close();
            assertThat(owning.client().dispatcher().executorService().isShutdown())
                    .isTrue();
        } finally {
            borrowed.dispatcher().executorService().shutdown();
            borrowed.connectionPool().evictAll();
        }
    }

    @Test
    void rejectsBadSettingsNamingTheValue() {
        HttpTransport.Builder b = HttpTransport.builder();
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessage("connectTimeout must be positive: PT0S");
        assertThatThrownBy(() -> b.callTimeout(Duration.ofMillis(-1)))
                .hasMessage("callTimeout must be positive: PT-0.001S");
        assertThatThrownBy(() -> b.maxRetryAfter(Duration.ofSeconds(-2)))
                .hasMessage("maxRetryAfter must not be negative: PT-2S");
        OkHttpClient client = new OkHttpClient();
        assertThatThrownBy(() -> HttpTransport.builder()
                        .client(client)
                        .callTimeout(Duration.ofSeconds(3))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set them on the given client");
    }

    @Test
    void classifiesStatuses() {
        for (int later : new int[] {408, 429, 500, 502, 503, 504, 599}) {
            assertThat(HttpTransport.isRetryable(later)).as("%s", later).isTrue();
        }
        for (int never : new int[] {400, 401, 403, 404, 413, 422}) {
            assertThat(HttpTransport.isRetryable(never)).as("%s", never).isFalse();
        }
    }

    @Test
    void readsRetryAfterByItsClockAndCapsIt() {
        try (HttpTransport transport = HttpTransport.builder()
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .maxRetryAfter(Duration.ofMinutes(2))
                .build()) {
            assertThat(transport.now()).isEqualTo(NOW);
            assertThat(transport.clock().instant()).isEqualTo(NOW);
            assertThat(transport.retryAfter(answer(429, "7"))).isEqualTo(Duration.ofSeconds(7));
            assertThat(transport.retryAfter(answer(503, "Sat, 14 Mar 2026 09:28:23 GMT")))
                    .isEqualTo(Duration.ofSeconds(90));
            assertThat(transport.retryAfter(answer(429, "86400"))).as("capped").isEqualTo(Duration.ofMinutes(2));
            assertThat(transport.retryAfter(answer(429, null))).as("no header").isNull();
            assertThat(transport.retryAfter(answer(429, "soon")))
                    .as("malformed")
                    .isNull();
        }
    }

    @Test
    void sendsThroughTheClientItHolds() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                HttpTransport transport = HttpTransport.builder()
                        .callTimeout(Duration.ofSeconds(5))
                        .build()) {
            Thread answering = new Thread(() -> answerOnce(server), "answer-once");
            answering.start();
            Request request = new Request.Builder()
                    .url("http://127.0.0.1:" + server.getLocalPort() + "/bulk")
                    .build();
            try (Response response = transport.client().newCall(request).execute()) {
                assertThat(response.code()).isEqualTo(429);
                assertThat(transport.retryAfter(response)).isEqualTo(Duration.ofSeconds(3));
            }
            answering.join(5_000);
        }
    }

    private static void answerOnce(ServerSocket server) {
        try (Socket socket = server.accept();
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[4096];
            int read = in.read(buffer);
            assertThat(read).isPositive();
            String answer = String.join(
                    "\r\n",
                    "HTTP/1.1 429 Too Many Requests",
                    "Retry-After: 3",
                    "Content-Length: 0",
                    "Connection: close");
            out.write((answer + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response answer(int code, @org.jspecify.annotations.Nullable String retryAfter) {
        Response.Builder b = new Response.Builder()
                .request(new Request.Builder().url("http://localhost/").build())
                .protocol(Protocol.HTTP_1_1)
                .code(code)
                .message("");
        if (retryAfter != null) {
            b.header("Retry-After", retryAfter);
        }
        return b.build();
    }
}
