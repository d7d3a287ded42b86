package io.actiontrail.sink.sls;

import com.aliyun.openservices.log.common.Logs;
import com.aliyun.openservices.log.util.GzipUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.actiontrail.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * A Log Service PutLogs endpoint on the JDK's HTTP server, bound to 127.0.0.1, that checks each request the way the
 * service documents it and decodes it with the official SDK's own classes:
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
 * (throttling, server errors); a scripted request is still checked and recorded. What the service does beyond this —
 * quotas, shard routing, indexing, the exact text of undocumented errors — is not imitated. Thread-safe.
 */
final class SlsServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The top-level fields of the event schema whose values are JSON objects. */
    private static final Set<String> OBJECT_FIELDS = Set.of(
            "userIdentity", "referencedResources", "requestParameters", "responseElements", "additionalEventData");

    /** The top-level fields of the event schema whose values are numbers. */
    private static final Set<String> NUMBER_FIELDS = Set.of("durationMs");

    private static final Pattern PATH = Pattern.compile("/logstores/([^/]+)/shards/lb");
    private static final Pattern AUTHORIZATION = Pattern.compile("LOG ([^:]+):(.+)");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** An answer the server gives instead of its own. */
    record Answer(int status, String errorCode, String errorMessage, Map<String, String> headers) {}

    /** One request as received, with what the server made of it and how it answered. */
    record Received(
            String method,
            String path,
            Map<String, String> headers,
            ByteString body,
            boolean verified,
            Logs.@Nullable LogGroup logGroup,
            int status,
            @Nullable String errorCode,
            long receivedNanos) {

        @Nullable
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The events of the request's logs, in order. */
        List<AuditEvent> events() {
            List<AuditEvent> events = new ArrayList<>();
            if (logGroup != null) {
                for (Logs.Log log : logGroup.getLogsList()) {
                    events.add(event(log));
                }
            }
            return events;
        }
    }

    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> logstores = new ConcurrentHashMap<>();
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private final AtomicLong requestIds = new AtomicLong(0x5f3a_0000L);
    private @Nullable HttpServer server;
    private int port;

    private SlsServer() {}

    /** Starts a server on a free port of 127.0.0.1 that knows no project and no key yet. */
    static SlsServer start() throws IOException {
        SlsServer server = new SlsServer();
        server.bind(0);
        return server;
    }

    private synchronized void bind(int wanted) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 0);
        created.createContext("/", this::handle);
        created.start();
        server = created;
        port = created.getAddress().getPort();
    }

    /** Creates a project with these logstores. */
    SlsServer project(String project, String... logstoreNames) {
        logstores.put(project, Set.of(logstoreNames));
        return this;
    }

    /** Accepts a permanent AccessKey pair. */
    SlsServer accessKey(String accessKeyId, String secret) {
        secrets.put(accessKeyId, secret);
        tokens.remove(accessKeyId);
        return this;
    }

    /** Accepts a temporary STS credential: requests must carry its token. */
    SlsServer stsKey(String accessKeyId, String secret, String token) {
        secrets.put(accessKeyId, secret);
        tokens.put(accessKeyId, token);
        return this;
    }

    /** The endpoint a sink is configured with. */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Stops answering: connections are refused until {@link #restart}. */
    synchronized void stop() {
        HttpServer current = server;
        if (current != null) {
            current.stop(0);
            server = null;
        }
    }

    /** Answers again, on the same port. */
    synchronized void restart() throws IOException {
        bind(port);
    }

    /** Gives this error answer to the next request instead of the server's own. */
    synchronized void answerNext(int status, String errorCode, String errorMessage, String... headerNamesAndValues) {
        Map<String, String> headers = new TreeMap<>();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        answers.add(new Answer(status, errorCode, errorMessage, headers));
    }

    synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    /** The events of every request answered 200, duplicates included, in arrival order. */
    List<AuditEvent> acceptedEvents() {
        List<AuditEvent> events = new ArrayList<>();
        for (Received request : requests()) {
            if (request.status() == 200) {
                events.addAll(request.events());
            }
        }
        return events;
    }

    List<String> acceptedEventIds() {
        return acceptedEvents().stream().map(AuditEvent::eventId).toList();
    }

    /**
     * Turns a log back into the event it was made from, as a reader of the logstore would: the schema's object fields
     * and {@code durationMs} are JSON, every other content is a string.
     */
    static AuditEvent event(Logs.Log log) {
        ObjectNode node = JSON.createObjectNode();
        try {
            for (Logs.Log.Content content : log.getContentsList()) {
                String key = content.getKey();
                if (OBJECT_FIELDS.contains(key) || NUMBER_FIELDS.contains(key)) {
                    node.set(key, JSON.readTree(content.getValue()));
                } else {
                    node.put(key, content.getValue());
                }
            }
            return AuditEvent.fromJson(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
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
                        headers,
                        ByteString.of(body),
                        verdict.answer().status() == 200,
                        verdict.logGroup(),
                        answer.status(),
                        answer.status() == 200 ? null : answer.errorCode(),
                        System.nanoTime()));
            }
            exchange.getResponseHeaders().add("x-log-requestid", Long.toHexString(requestIds.incrementAndGet()));
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.status() == 200
                    ? new byte[0]
                    : JSON.writeValueAsBytes(
                            Map.of("errorCode", answer.errorCode(), "errorMessage", answer.errorMessage()));
            if (out.length > 0) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    /** The server's own answer to a request, and the LogGroup when it could be decoded. */
    private record Verdict(Answer answer, Logs.@Nullable LogGroup logGroup) {
        static Verdict error(int status, String code, String message) {
            return new Verdict(new Answer(status, code, message, Map.of()), null);
        }
    }

    private Verdict check(String method, String path, Map<String, String> headers, byte[] body) {
        Matcher route = PATH.matcher(path);
        if (!method.equals("POST") || !route.matches()) {
            return Verdict.error(404, "NotFound", method + " " + path + " is not a PutLogs request");
        }
        String logstore = route.group(1);
        String host = headers.getOrDefault("host", "");
        String suffix = ".127.0.0.1:" + port;
        if (!host.endsWith(suffix) || host.length() == suffix.length()) {
            return Verdict.error(400, "InvalidHost", "Host header " + host + " is invalid.");
        }
        String project = host.substring(0, host.length() - suffix.length());

        String date = headers.get("date");
        if (date == null) {
            return Verdict.error(400, "MissingDate", "Date does not exist in http header.");
        }
        Instant sent;
        try {
            sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            return Verdict.error(400, "InvalidDateFormat", "Date " + date + " must follow RFC822.");
        }
        if (Duration.between(sent, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
            return Verdict.error(
                    400,
                    "RequestTimeExpired",
                    "Request time " + date + " has been expired while server time is " + Instant.now() + ".");
        }
        if (!"0.6.0".equals(headers.get("x-log-apiversion"))) {
            return Verdict.error(400, "InvalidAPIVersion", "x-log-apiversion is unsupported.");
        }
        if (!"application/x-protobuf".equals(headers.get("content-type"))) {
            return Verdict.error(415, "InvalidContentType", "Content-Type is unsupported.");
        }
        if (!md5(body).equals(headers.get("content-md5"))) {
            // the service's code for this is not documented; the test server names it plainly
            return Verdict.error(400, "ContentMD5Mismatch", "Content-MD5 is not the MD5 of the body.");
        }
        if (!"hmac-sha1".equals(headers.get("x-log-signaturemethod"))) {
            return Verdict.error(400, "InvalidSignatureMethod", "x-log-signaturemethod is unsupported.");
        }
        Matcher authorization = AUTHORIZATION.matcher(headers.getOrDefault("authorization", ""));
        if (!authorization.matches()) {
            return Verdict.error(400, "ParameterInvalid", "Http extend authorization is invalid.");
        }
        String accessKeyId = authorization.group(1);
        String secret = secrets.get(accessKeyId);
        if (secret == null) {
            return Verdict.error(401, "Unauthorized", "AccessKeyId not found: " + accessKeyId);
        }
        String token = tokens.get(accessKeyId);
        if (token != null && !token.equals(headers.get("x-acs-security-token"))) {
            return Verdict.error(401, "Unauthorized", "The security token you provided is invalid.");
        }
        String expected = signature(secret, method, path, headers);
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                authorization.group(2).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.error(401, "SignatureNotMatch", "Signature " + authorization.group(2) + " not matched.");
        }
        Set<String> stores = logstores.get(project);
        if (stores == null) {
            return Verdict.error(404, "ProjectNotExist", "The Project does not exist : " + project);
        }
        if (!stores.contains(logstore)) {
            return Verdict.error(404, "LogStoreNotExist", "logstore " + logstore + " does not exist");
        }
        byte @Nullable [] raw;
        String compressType = headers.getOrDefault("x-log-compresstype", "");
        try {
            raw = switch (compressType) {
                case "" -> body;
                case "deflate" -> GzipUtils.uncompress(body);
                default -> null;
            };
        } catch (java.util.zip.DataFormatException e) {
            return Verdict.error(400, "PostBodyUncompressError", "the body does not inflate: " + e.getMessage());
        }
        if (raw == null) {
            return Verdict.error(400, "InvalidCompressType", "x-log-compresstype " + compressType + " is unsupported.");
        }
        if (!Integer.toString(raw.length).equals(headers.get("x-log-bodyrawsize"))) {
            return Verdict.error(400, "InvalidBodyRawSize", "x-log-bodyrawsize is invalid.");
        }
        Logs.LogGroup group;
        try {
            group = Logs.LogGroup.parseFrom(raw);
        } catch (IOException e) {
            return Verdict.error(400, "PostBodyInvalid", "The body is not a LogGroup: " + e.getMessage());
        }
        return new Verdict(new Answer(200, "", "", Map.of()), group);
    }

    /**
     * The v1 signature as the service computes it from a received request: verb, Content-MD5, Content-Type, Date,
     * every {@code x-log-}/{@code x-acs-} header (lowercase, sorted) and the path, HMAC-SHA1 under the secret, base64.
     */
    static String signature(String secret, String method, String path, Map<String, String> lowercaseHeaders) {
        StringBuilder text = new StringBuilder()
                .append(method)
                .append('\n')
                .append(lowercaseHeaders.getOrDefault("content-md5", ""))
                .append('\n')
                .append(lowercaseHeaders.getOrDefault("content-type", ""))
                .append('\n')
                .append(lowercaseHeaders.getOrDefault("date", ""))
                .append('\n');
        List<String> canonical = new ArrayList<>();
        new TreeMap<>(lowercaseHeaders).forEach((name, value) -> {
            if (name.startsWith("x-log-") || name.startsWith("x-acs-")) {
                canonical.add(name + ":" + value);
            }
        });
        text.append(String.join("\n", canonical)).append('\n').append(path);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String md5(byte[] body) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
