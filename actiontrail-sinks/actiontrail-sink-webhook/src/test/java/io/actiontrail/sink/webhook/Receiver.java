package io.actiontrail.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.actiontrail.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A real webhook receiver on the JDK's HTTP server, bound to 127.0.0.1: it verifies each request's signature with
 * {@link WebhookVerifier} as a receiver would (401 when it fails), answers 200 or the scripted answers, and keeps every
 * request. Thread-safe.
 */
final class Receiver implements AutoCloseable {

    static final String PATH = "/hooks/audit";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer the receiver gives instead of its own. */
    record Answer(int status, Map<String, String> headers, String body) {}

    /** One request as received, with the receiver's verdict and answer. */
    record Received(Map<String, String> headers, String text, boolean verified, int status, long receivedNanos) {
        /** The body as received; the sink sends UTF-8, which survives the round trip through a string exactly. */
        byte[] body() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        @Nullable
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        List<AuditEvent> events() {
            try {
                List<AuditEvent> events = new ArrayList<>();
                for (JsonNode node : JSON.readTree(text)) {
                    events.add(AuditEvent.fromJson(node.toString()));
                }
                return events;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final int port;
    private volatile String secret;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private @Nullable HttpServer server;
    private int lastPort;

    private Receiver(int port, String secret) {
        this.port = port;
        this.secret = secret;
    }

    static Receiver start(String secret) throws IOException {
        Receiver receiver = new Receiver(0, secret);
        receiver.bind(0);
        return receiver;
    }

    private synchronized void bind(int wanted) throws IOException {
        HttpServer created =
                HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), wanted), 0);
        created.createContext(PATH, this::handle);
        created.start();
        server = created;
    }

    int port() {
        HttpServer current = server;
        return current == null ? port : current.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + PATH;
    }

    /** Stops answering: connections are refused until {@link #restart}. */
    synchronized void stop() {
        HttpServer current = server;
        if (current != null) {
            lastPort = current.getAddress().getPort();
            current.stop(0);
            server = null;
        }
    }

    /** Answers again, on the same port. */
    synchronized void restart() throws IOException {
        bind(lastPort);
    }

    /** Rotates the secret the receiver verifies with. */
    void secret(String secret) {
        this.secret = secret;
    }

    /** Gives this answer to the next request instead of the receiver's own. */
    synchronized void answerNext(int status, String... headerNamesAndValues) {
        Map<String, String> headers = new TreeMap<>();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        answers.add(new Answer(status, headers, "{\"error\":\"scripted " + status + "\"}"));
    }

    synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    /** The ids of the events of every request answered 2xx, duplicates included, in arrival order. */
    List<String> acceptedEventIds() {
        return acceptedEvents().stream().map(AuditEvent::eventId).toList();
    }

    List<AuditEvent> acceptedEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (Received r : requests()) {
            if (r.status() / 100 == 2) {
                events.addAll(r.events());
            }
        }
        return events;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            boolean verified = "POST".equals(exchange.getRequestMethod())
                    && WebhookVerifier.builder(secret)
                            .build()
                            .verify(
                                    headers.get(WebhookAuditSink.HEADER_TIMESTAMP.toLowerCase(java.util.Locale.ROOT)),
                                    headers.get(WebhookAuditSink.HEADER_SIGNATURE.toLowerCase(java.util.Locale.ROOT)),
                                    body);
            Answer answer;
            synchronized (this) {
                Answer scripted = answers.poll();
                answer = scripted != null
                        ? scripted
                        : verified
                                ? new Answer(200, Map.of(), "")
                                : new Answer(401, Map.of(), "{\"error\":\"bad signature\"}");
                received.add(new Received(
                        headers,
                        new String(body, StandardCharsets.UTF_8),
                        verified,
                        answer.status(),
                        System.nanoTime()));
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
