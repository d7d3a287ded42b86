package io.actiontrail.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.actiontrail.AuditEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A real webhook receiver on the JDK's HTTP server, bound to 127.0.0.1, as an application would write one: it checks
 * each request's signature with the {@link Signature} the test gives (the webhook sink's own verifier, so that this
 * module needs no sink), answers 200 when it holds and 401 when it does not, or the answers a test scripts, and keeps
 * every request. It can stop and answer again on the same port, for outages. Thread-safe.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** The path requests are posted to. */
    public static final String PATH = "/hooks/audit";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The header with the time the request was signed at, as the webhook protocol names it. */
    public static final String TIMESTAMP_HEADER = "X-ActionTrail-Timestamp";

    /** The header with the request's signature, as the webhook protocol names it. */
    public static final String SIGNATURE_HEADER = "X-ActionTrail-Signature";

    /**
     * Whether a request's signature holds, given its timestamp and signature headers (either may be absent) and the
     * raw body: the shape of {@code WebhookVerifier::verify}, which tests pass.
     */
    @FunctionalInterface
    public interface Signature {
        boolean holds(@Nullable String timestamp, @Nullable String signature, byte[] body);
    }

    /** One request as received: header names in lowercase, the body as sent, the verdict and the answer given. */
    public record Request(Map<String, String> headers, String text, boolean verified, int status, long receivedNanos) {

        /** The body as received; the sink sends UTF-8, which survives the round trip through a string exactly. */
        public byte[] body() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        /** The header's value, whatever the case of {@code name}; {@code null} when absent. */
        public @Nullable String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The events of the body, a JSON array. */
        public List<AuditEvent> events() {
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

    private record Answer(int status, Map<String, String> headers, String body) {}

    private volatile Signature signature;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Request> received = new ArrayList<>();
    private @Nullable HttpServer server;
    private int lastPort;

    private WebhookReceiver(Signature signature) {
        this.signature = Objects.requireNonNull(signature, "signature");
    }

    /** Starts a receiver on a free port that checks signatures with {@code signature}. */
    public static WebhookReceiver start(Signature signature) throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(signature);
        receiver.bind(0);
        return receiver;
    }

    private synchronized void bind(int port) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        created.createContext(PATH, this::handle);
        created.start();
        server = created;
    }

    /** The port it listens on, or listened on before {@link #stop()}. */
    public synchronized int port() {
        HttpServer current = server;
        return current == null ? lastPort : current.getAddress().getPort();
    }

    /** The URL to post to. */
    public String url() {
        return "http://127.0.0.1:" + port() + PATH;
    }

    /** Stops answering: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        HttpServer current = server;
        if (current != null) {
            lastPort = current.getAddress().getPort();
            current.stop(0);
            server = null;
        }
    }

    /** Answers again, on the same port. */
    public synchronized void restart() throws IOException {
        bind(lastPort);
    }

    /** Checks later requests with {@code signature}: after the sender rotated its secret, for instance. */
    public void signature(Signature signature) {
        this.signature = Objects.requireNonNull(signature, "signature");
    }

    /** Gives this answer, with these header names and values, to the next request instead of the receiver's own. */
    public synchronized void answerNext(int status, String... headerNamesAndValues) {
        Map<String, String> headers = new TreeMap<>();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        answers.add(new Answer(status, headers, "{\"error\":\"scripted " + status + "\"}"));
    }

    /** Every request so far, in arrival order. */
    public synchronized List<Request> requests() {
        return List.copyOf(received);
    }

    /** The events of every request answered 2xx, duplicates included, in arrival order. */
    public List<AuditEvent> acceptedEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (Request r : requests()) {
            if (r.status() / 100 == 2) {
                events.addAll(r.events());
            }
        }
        return events;
    }

    /** The ids of {@link #acceptedEvents()}. */
    public List<String> acceptedEventIds() {
        return acceptedEvents().stream().map(AuditEvent::eventId).toList();
    }

    /** The events of every request whose signature held, duplicates included, in arrival order. */
    public List<AuditEvent> verifiedEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (Request r : requests()) {
            if (r.verified()) {
                events.addAll(r.events());
            }
        }
        return events;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = Exchanges.body(exchange);
            Map<String, String> headers = Exchanges.headers(exchange);
            boolean verified = "POST".equals(exchange.getRequestMethod())
                    && signature.holds(
                            headers.get(TIMESTAMP_HEADER.toLowerCase(Locale.ROOT)),
                            headers.get(SIGNATURE_HEADER.toLowerCase(Locale.ROOT)),
                            body);
            Answer answer;
            synchronized (this) {
                Answer scripted = answers.poll();
                answer = scripted != null
                        ? scripted
                        : verified
                                ? new Answer(200, Map.of(), "")
                                : new Answer(401, Map.of(), "{\"error\":\"bad signature\"}");
                received.add(new Request(
                        headers,
                        new String(body, StandardCharsets.UTF_8),
                        verified,
                        answer.status(),
                        System.nanoTime()));
            }
            answer.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
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
