package io.actiontrail.testsupport;

import com.aliyun.openservices.log.common.Logs;
import com.aliyun.openservices.log.util.GzipUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.actiontrail.AuditEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import org.jspecify.annotations.Nullable;

/**
 * A Log Service PutLogs endpoint on the JDK's HTTP server, bound to 127.0.0.1, that checks each request the way the
 * service documents it and decodes it with the official SDK's own classes (the SDK is an optional dependency of this
 * module: a test that starts the endpoint puts {@code com.aliyun.openservices:aliyun-log} on its own classpath):
 *
 * <ul>
 *   <li>the project from the {@code Host} header ({@code <project>.127.0.0.1:<port>}) and the logstore from the path
 *       must exist ({@code 404 ProjectNotExist} / {@code LogStoreNotExist});
 *   <li>{@code Date} within 15 minutes ({@code 400 RequestTimeExpired}), {@code x-log-apiversion: 0.6.0},
 *       {@code Content-Type: application/x-protobuf}, {@code Content-MD5} the uppercase hex MD5 of the body as sent;
 *   <li>the signature is recomputed from the received method, headers and path with the secret of the AccessKey ID it
 *       names, independently of the sink's code ({@code 401 Unauthorized} for an unknown key or a wrong STS token,
 *       {@code 401 SignatureNotMatch} for a wrong signature);
 *   <li>the body is inflated with the SDK's {@link GzipUtils} when {@code x-log-compresstype: deflate}, its size
 *       compared with {@code x-log-bodyrawsize}, and parsed with the SDK's {@link Logs.LogGroup}.
 * </ul>
 *
 * <p>Answers are {@code 200} with an {@code x-log-requestid}, or the service's error JSON. Answers can be scripted ahead
 * (throttling, server errors); a scripted request is still checked and recorded. The endpoint can stop and answer again
 * on the same port, for outages. What the service does beyond this — quotas, shard routing, indexing, the exact text of
 * undocumented errors — is not imitated. Thread-safe.
 */
public final class SlsEndpoint implements AutoCloseable {

    /** Reads and writes the JSON of events and error answers. */
    public static final ObjectMapper JSON = new ObjectMapper();

    /** The event fields whose log contents are JSON: the schema's objects and its one number. */
    private static final Set<String> JSON_FIELDS = Set.of(
            "userIdentity",
            "referencedResources",
            "requestParameters",
            "responseElements",
            "additionalEventData",
            "durationMs");

    private static final Pattern PATH = Pattern.compile("/logstores/([^/]+)/shards/lb");
    private static final Pattern AUTHORIZATION = Pattern.compile("LOG ([^:]+):(.+)");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** An answer the endpoint gives instead of its own. */
    private record Answer(int status, String errorCode, String errorMessage, Map<String, String> headers) {}

    /** An AccessKey the endpoint knows: its secret, and the token when it is a temporary STS key. */
    private record Key(String secret, @Nullable String token) {}

    /**
     * One request as received: the project and logstore it named (empty when it named none), header names in
     * lowercase, the body as sent, whether the endpoint's own checks passed, the LogGroup when it got that far, and the
     * answer given.
     */
    public record Received(
            String method,
            String path,
            String project,
            String logstore,
            Map<String, String> headers,
            ByteBuffer body,
            boolean verified,
            Logs.@Nullable LogGroup logGroup,
            int status,
            @Nullable String errorCode,
            long receivedNanos) {

        /** The body as sent, read-only. */
        @Override
        public ByteBuffer body() {
            return body.duplicate();
        }

        /** A header's value, by any case of its name. */
        public @Nullable String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Whether the endpoint answered 200. */
        public boolean accepted() {
            return status == 200;
        }

        /** The AccessKey ID the {@code Authorization} header names; empty when it names none. */
        public String accessKeyId() {
            Matcher authorization = AUTHORIZATION.matcher(headers.getOrDefault("authorization", ""));
            return authorization.matches() ? authorization.group(1) : "";
        }

        /** The LogGroup's tags, in order. */
        public Map<String, String> tags() {
            Map<String, String> tags = new LinkedHashMap<>();
            if (logGroup != null) {
                for (Logs.LogTag tag : logGroup.getLogTagsList()) {
                    tags.put(tag.getKey(), tag.getValue());
                }
            }
            return tags;
        }

        /** The events of the request's logs, in order. */
        public List<AuditEvent> events() {
            return eventNodes().stream().map(SlsEndpoint::toEvent).toList();
        }

        /** The events of the request's logs as the JSON objects a reader of the logstore gets back, in order. */
        public List<JsonNode> eventNodes() {
            List<JsonNode> events = new ArrayList<>();
            if (logGroup != null) {
                for (Logs.Log log : logGroup.getLogsList()) {
                    events.add(eventNode(log));
                }
            }
            return events;
        }
    }

    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> projects = new ConcurrentHashMap<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private final AtomicLong requestIds = new AtomicLong(0x5f3a_0000L);
    private @Nullable HttpServer server;
    private int port;

    private SlsEndpoint() {}

    /** Starts an endpoint on a free port of 127.0.0.1 that knows no project and no key yet. */
    public static SlsEndpoint start() throws IOException {
        SlsEndpoint endpoint = new SlsEndpoint();
        endpoint.bind(0);
        return endpoint;
    }

    private synchronized void bind(int wanted) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 0);
        created.createContext("/", this::handle);
        created.start();
        server = created;
        port = created.getAddress().getPort();
    }

    /** Creates a project with these logstores. */
    public SlsEndpoint project(String project, String... logstores) {
        projects.put(project, Set.of(logstores));
        return this;
    }

    /** Accepts a permanent AccessKey. */
    public SlsEndpoint accessKey(String accessKeyId, String secret) {
        keys.put(accessKeyId, new Key(secret, null));
        return this;
    }

    /** Accepts a temporary STS key: its requests must carry the token. */
    public SlsEndpoint stsKey(String accessKeyId, String secret, String token) {
        keys.put(accessKeyId, new Key(secret, token));
        return this;
    }

    /** The endpoint a sink is configured with. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops answering: connections are refused until {@link #restart}. */
    public synchronized void stop() {
        HttpServer current = server;
        if (current != null) {
            current.stop(0);
            server = null;
        }
    }

    /** Answers again, on the same port. */
    public synchronized void restart() throws IOException {
        bind(port);
    }

    /**
     * Gives this error answer to the next request instead of the endpoint's own, with these response headers (names
     * and values alternating).
     */
    public synchronized void answerNext(
            int status, String errorCode, String errorMessage, String... headerNamesAndValues) {
        Map<String, String> headers = new TreeMap<>();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        answers.add(new Answer(status, errorCode, errorMessage, headers));
    }

    /** Every request so far, in arrival order. */
    public synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    /** The events of every request answered 200, duplicates included, in arrival order. */
    public List<AuditEvent> acceptedEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (Received request : requests()) {
            if (request.accepted()) {
                events.addAll(request.events());
            }
        }
        return events;
    }

    /** The ids of {@link #acceptedEvents()}. */
    public List<String> acceptedEventIds() {
        return acceptedEvents().stream().map(AuditEvent::eventId).toList();
    }

    /** The events of every request to this logstore answered 200, as JSON, duplicates included, in arrival order. */
    public List<JsonNode> acceptedEventNodes(String project, String logstore) {
        List<JsonNode> events = new ArrayList<>();
        for (Received request : requests()) {
            if (request.accepted()
                    && request.project().equals(project)
                    && request.logstore().equals(logstore)) {
                events.addAll(request.eventNodes());
            }
        }
        return events;
    }

    /**
     * Turns a log back into the JSON object of the event it was made from, as a reader of the logstore would: the
     * schema's object fields and {@code durationMs} are JSON, every other content is a string.
     */
    public static JsonNode eventNode(Logs.Log log) {
        ObjectNode node = JSON.createObjectNode();
        try {
            for (Logs.Log.Content content : log.getContentsList()) {
                if (JSON_FIELDS.contains(content.getKey())) {
                    node.set(content.getKey(), JSON.readTree(content.getValue()));
                } else {
                    node.put(content.getKey(), content.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return node;
    }

    /** Turns a log back into the event it was made from; see {@link #eventNode}. */
    public static AuditEvent event(Logs.Log log) {
        return toEvent(eventNode(log));
    }

    private static AuditEvent toEvent(JsonNode node) {
        try {
            return AuditEvent.fromJson(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = Exchanges.body(exchange);
            Map<String, String> headers = Exchanges.headers(exchange);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Verdict verdict = check(method, path, headers, body);
            Answer answer;
            synchronized (this) {
                Answer scripted = answers.poll();
                answer = scripted != null ? scripted : verdict.answer();
                received.add(new Received(
                        method,
                        path,
                        verdict.project(),
                        verdict.logstore(),
                        headers,
                        ByteBuffer.wrap(body).asReadOnlyBuffer(),
                        verdict.answer().status() == 200,
                        verdict.logGroup(),
                        answer.status(),
                        answer.status() == 200 ? null : answer.errorCode(),
                        System.nanoTime()));
            }
            exchange.getResponseHeaders().add("x-log-requestid", Long.toHexString(requestIds.incrementAndGet()));
            answer.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (answer.status() == 200) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            byte[] error = JSON.writeValueAsBytes(
                    Map.of("errorCode", answer.errorCode(), "errorMessage", answer.errorMessage()));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), error.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(error);
            }
        }
    }

    /** The endpoint's own answer to a request, what it named, and the LogGroup when it could be decoded. */
    private record Verdict(String project, String logstore, Answer answer, Logs.@Nullable LogGroup logGroup) {}

    private static Verdict error(String project, String logstore, int status, String code, String message) {
        return new Verdict(project, logstore, new Answer(status, code, message, Map.of()), null);
    }

    private Verdict check(String method, String path, Map<String, String> headers, byte[] body) {
        Matcher route = PATH.matcher(path);
        String logstore = route.matches() ? route.group(1) : "";
        String host = headers.getOrDefault("host", "");
        String suffix = ".127.0.0.1:" + port;
        String project = host.endsWith(suffix) ? host.substring(0, host.length() - suffix.length()) : "";
        if (!method.equals("POST") || logstore.isEmpty()) {
            return error(project, logstore, 404, "NotFound", method + " " + path + " is not a PutLogs request");
        }
        if (project.isEmpty()) {
            return error(project, logstore, 400, "InvalidHost", "Host header " + host + " is invalid.");
        }
        String date = headers.get("date");
        if (date == null) {
            return error(project, logstore, 400, "MissingDate", "Date does not exist in http header.");
        }
        Instant sent;
        try {
            sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return error(project, logstore, 400, "InvalidDateFormat", "Date " + date + " must follow RFC822.");
        }
        if (Duration.between(sent, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
            return error(
                    project,
                    logstore,
                    400,
                    "RequestTimeExpired",
                    "Request time " + date + " has been expired while server time is " + Instant.now() + ".");
        }
        if (!"0.6.0".equals(headers.get("x-log-apiversion"))) {
            return error(project, logstore, 400, "InvalidAPIVersion", "x-log-apiversion is unsupported.");
        }
        if (!"application/x-protobuf".equals(headers.get("content-type"))) {
            return error(project, logstore, 415, "InvalidContentType", "Content-Type is unsupported.");
        }
        if (!md5(body).equals(headers.get("content-md5"))) {
            // the service's code for this is not documented; the endpoint names it plainly
            return error(project, logstore, 400, "ContentMD5Mismatch", "Content-MD5 is not the MD5 of the body.");
        }
        if (!"hmac-sha1".equals(headers.get("x-log-signaturemethod"))) {
            return error(project, logstore, 400, "InvalidSignatureMethod", "x-log-signaturemethod is unsupported.");
        }
        Matcher authorization = AUTHORIZATION.matcher(headers.getOrDefault("authorization", ""));
        if (!authorization.matches()) {
            return error(project, logstore, 400, "ParameterInvalid", "Http extend authorization is invalid.");
        }
        Key key = keys.get(authorization.group(1));
        if (key == null) {
            return error(project, logstore, 401, "Unauthorized", "AccessKeyId not found: " + authorization.group(1));
        }
        String token = key.token();
        if (token != null && !token.equals(headers.get("x-acs-security-token"))) {
            return error(project, logstore, 401, "Unauthorized", "The security token you provided is invalid.");
        }
        byte[] expected = SlsSignature.of(key.secret(), method, path, headers).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, authorization.group(2).getBytes(StandardCharsets.US_ASCII))) {
            return error(
                    project,
                    logstore,
                    401,
                    "SignatureNotMatch",
                    "Signature " + authorization.group(2) + " not matched.");
        }
        Set<String> logstores = projects.get(project);
        if (logstores == null) {
            return error(project, logstore, 404, "ProjectNotExist", "The Project does not exist : " + project);
        }
        if (!logstores.contains(logstore)) {
            return error(project, logstore, 404, "LogStoreNotExist", "logstore " + logstore + " does not exist");
        }
        byte[] raw;
        String compressType = headers.getOrDefault("x-log-compresstype", "");
        if (compressType.equals("deflate")) {
            try {
                raw = GzipUtils.uncompress(body);
            } catch (DataFormatException e) {
                return error(project, logstore, 400, "PostBodyUncompressError", "the body does not inflate");
            }
        } else if (compressType.isEmpty()) {
            raw = body;
        } else {
            return error(
                    project,
                    logstore,
                    400,
                    "InvalidCompressType",
                    "x-log-compresstype " + compressType + " is unsupported.");
        }
        if (!Integer.toString(raw.length).equals(headers.get("x-log-bodyrawsize"))) {
            return error(project, logstore, 400, "InvalidBodyRawSize", "x-log-bodyrawsize is invalid.");
        }
        try {
            Logs.LogGroup group = Logs.LogGroup.parseFrom(raw);
            return new Verdict(project, logstore, new Answer(200, "", "", Map.of()), group);
        } catch (IOException e) {
            return error(project, logstore, 400, "PostBodyInvalid", "The body is not a LogGroup: " + e.getMessage());
        }
    }

    private static String md5(byte[] body) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the endpoint. */
    @Override
    public void close() {
        stop();
    }
}
