package io.actiontrail.spring.autoconfigure.sink.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.actiontrail.sink.webhook.WebhookAuditSink;
import io.actiontrail.sink.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A webhook receiver on the JDK's HTTP server at 127.0.0.1, as an application would write one: it checks every
 * request's signature with {@link WebhookVerifier} and its secret, answers 200 when it holds and 401 when it does
 * not, and keeps every request it was sent. Thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {

    static final String PATH = "/audit-hook";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived: header names in lowercase, the raw body, and whether its signature held. */
    record Request(Map<String, String> headers, String body, boolean verified) {

        @Nullable
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The events of the body, a JSON array. */
        List<JsonNode> events() {
            try {
                List<JsonNode> events = new ArrayList<>();
                JSON.readTree(body).forEach(events::add);
                return events;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final WebhookVerifier verifier;
    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();

    private WebhookReceiver(String secret) throws IOException {
        this.verifier = WebhookVerifier.builder(secret).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PATH, this::handle);
    }

    /** Starts a receiver that verifies with {@code secret}. */
    static WebhookReceiver start(String secret) throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(secret);
        receiver.server.start();
        return receiver;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The events of every request whose signature held, in arrival order, duplicates included. */
    List<JsonNode> verifiedEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (Request r : requests()) {
            if (r.verified()) {
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
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            boolean verified = "POST".equals(exchange.getRequestMethod())
                    && verifier.verify(
                            headers.get(WebhookAuditSink.HEADER_TIMESTAMP.toLowerCase(Locale.ROOT)),
                            headers.get(WebhookAuditSink.HEADER_SIGNATURE.toLowerCase(Locale.ROOT)),
                            body);
            synchronized (this) {
                requests.add(new Request(headers, new String(body, StandardCharsets.UTF_8), verified));
            }
            exchange.sendResponseHeaders(verified ? 200 : 401, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
