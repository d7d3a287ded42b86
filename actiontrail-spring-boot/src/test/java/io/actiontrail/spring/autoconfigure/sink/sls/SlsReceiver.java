package io.actiontrail.spring.autoconfigure.sink.sls;

import com.aliyun.openservices.log.common.Logs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * A Log Service PutLogs endpoint on the JDK's HTTP server at 127.0.0.1, checking every request as the service documents
 * it: the project from the {@code Host} header ({@code <project>.127.0.0.1:<port>}) and the logstore from the path,
 * {@code Date} within 15 minutes, {@code Content-MD5}, the v1 signature recomputed from the received verb, headers and
 * path with the secret of the AccessKey ID the request names ({@code 401 SignatureNotMatch} when it differs), the STS
 * token of a temporary key ({@code 401 Unauthorized} when it is missing or wrong), the body inflated when
 * {@code x-log-compresstype: deflate} and its size against {@code x-log-bodyrawsize}, and the LogGroup parsed with the
 * official SDK's protobuf class. Answers 200 with an {@code x-log-requestid}, or the service's error JSON. Keeps every
 * request. Thread-safe.
 */
final class SlsReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/logstores/([^/]+)/shards/lb");
    private static final Pattern AUTHORIZATION = Pattern.compile("LOG ([^:]+):(.+)");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** The event fields whose log contents are JSON: the objects and the number. */
    private static final Set<String> JSON_FIELDS = Set.of(
            "userIdentity",
            "referencedResources",
            "requestParameters",
            "responseElements",
            "additionalEventData",
            "durationMs");

    /** One request as it arrived: header names in lowercase, the decoded LogGroup when it got that far, the answer. */
    record Request(
            String project,
            String logstore,
            Map<String, String> headers,
            Logs.@Nullable LogGroup logGroup,
            int status,
            @Nullable String errorCode) {

        @Nullable
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean accepted() {
            return status == 200;
        }

        /** The LogGroup's tags, in order. */
        Map<String, String> tags() {
            Map<String, String> tags = new LinkedHashMap<>();
            if (logGroup != null) {
                for (Logs.LogTag tag : logGroup.getLogTagsList()) {
                    tags.put(tag.getKey(), tag.getValue());
                }
            }
            return tags;
        }

        /** The events of the request's logs, each turned back into its JSON object. */
        List<JsonNode> events() {
            List<JsonNode> events = new ArrayList<>();
            if (logGroup != null) {
                for (Logs.Log log : logGroup.getLogsList()) {
                    events.add(event(log));
                }
            }
            return events;
        }
    }

    /** An AccessKey the endpoint knows: its secret, and the token when it is a temporary STS key. */
    private record Key(String secret, @Nullable String token) {}

    private final HttpServer server;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> projects = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicLong requestIds = new AtomicLong(0x7a00_0000L);

    private SlsReceiver() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
    }

    /** Starts an endpoint that knows no project and no key yet. */
    static SlsReceiver start() throws IOException {
        SlsReceiver receiver = new SlsReceiver();
        receiver.server.start();
        return receiver;
    }

    /** Creates a project with these logstores. */
    SlsReceiver project(String project, String... logstores) {
        projects.put(project, Set.of(logstores));
        return this;
    }

    /** Accepts a permanent AccessKey. */
    SlsReceiver accessKey(String id, String secret) {
        keys.put(id, new Key(secret, null));
        return this;
    }

    /** Accepts a temporary STS key: its requests must carry the token. */
    SlsReceiver stsKey(String id, String secret, String token) {
        keys.put(id, new Key(secret, token));
        return this;
    }

    /** The endpoint a sink is configured with. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The events of every accepted request to this logstore, in arrival order, duplicates included. */
    List<JsonNode> acceptedEvents(String project, String logstore) {
        List<JsonNode> events = new ArrayList<>();
        for (Request r : requests()) {
            if (r.accepted() && r.project().equals(project) && r.logstore().equals(logstore)) {
                events.addAll(r.events());
            }
        }
        return events;
    }

    /** Turns a log back into the event it was made from, as a reader of the logstore would. */
    static JsonNode event(Logs.Log log) {
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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Checked checked = check(method, path, headers, body);
            synchronized (this) {
                requests.add(new Request(
                        checked.project(),
                        checked.logstore(),
                        headers,
                        checked.logGroup(),
                        checked.status(),
                        checked.errorCode()));
            }
            exchange.getResponseHeaders().add("x-log-requestid", Long.toHexString(requestIds.incrementAndGet()));
            if (checked.status() == 200) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            byte[] error = JSON.writeValueAsBytes(
                    Map.of("errorCode", String.valueOf(checked.errorCode()), "errorMessage", checked.errorMessage()));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(checked.status(), error.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(error);
            }
        }
    }

    /** What the endpoint made of a request. */
    private record Checked(
            String project,
            String logstore,
            int status,
            @Nullable String errorCode,
            String errorMessage,
            Logs.@Nullable LogGroup logGroup) {}

    private Checked check(String method, String path, Map<String, String> headers, byte[] body) {
        Matcher route = PATH.matcher(path);
        String host = headers.getOrDefault("host", "");
        String suffix = ".127.0.0.1:" + server.getAddress().getPort();
        String project = host.endsWith(suffix) ? host.substring(0, host.length() - suffix.length()) : "";
        String logstore = route.matches() ? route.group(1) : "";
        if (!method.equals("POST") || logstore.isEmpty()) {
            return error(project, logstore, 404, "NotFound", method + " " + path + " is not a PutLogs request");
        }
        if (project.isEmpty()) {
            return error(project, logstore, 400, "InvalidHost", "Host " + host + " does not name a project");
        }
        String date = headers.getOrDefault("date", "");
        try {
            Instant sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            if (Duration.between(sent, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
                return error(project, logstore, 400, "RequestTimeExpired", "Request time " + date + " has expired");
            }
        } catch (DateTimeParseException e) {
            return error(project, logstore, 400, "InvalidDateFormat", "Date " + date + " is not an RFC 1123 date");
        }
        if (!"0.6.0".equals(headers.get("x-log-apiversion"))
                || !"hmac-sha1".equals(headers.get("x-log-signaturemethod"))
                || !"application/x-protobuf".equals(headers.get("content-type"))) {
            return error(project, logstore, 400, "ParameterInvalid", "API version, signature method or content type");
        }
        if (!md5(body).equals(headers.get("content-md5"))) {
            return error(project, logstore, 400, "InvalidContentMD5", "Content-MD5 is not the MD5 of the body");
        }
        Matcher authorization = AUTHORIZATION.matcher(headers.getOrDefault("authorization", ""));
        if (!authorization.matches()) {
            return error(project, logstore, 400, "ParameterInvalid", "Authorization is invalid");
        }
        Key key = keys.get(authorization.group(1));
        if (key == null) {
            return error(project, logstore, 401, "Unauthorized", "AccessKeyId not found: " + authorization.group(1));
        }
        String token = key.token();
        if (token != null && !token.equals(headers.get("x-acs-security-token"))) {
            return error(project, logstore, 401, "Unauthorized", "The security token you provided is invalid");
        }
        byte[] expected = signature(key.secret(), method, path, headers).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, authorization.group(2).getBytes(StandardCharsets.US_ASCII))) {
            return error(project, logstore, 401, "SignatureNotMatch", "The request signature does not match");
        }
        Set<String> logstores = projects.get(project);
        if (logstores == null) {
            return error(project, logstore, 404, "ProjectNotExist", "The Project does not exist : " + project);
        }
        if (!logstores.contains(logstore)) {
            return error(project, logstore, 404, "LogStoreNotExist", "logstore " + logstore + " does not exist");
        }
        byte[] raw;
        String compression = headers.getOrDefault("x-log-compresstype", "");
        if (compression.equals("deflate")) {
            try {
                raw = inflate(body);
            } catch (DataFormatException e) {
                return error(project, logstore, 400, "PostBodyUncompressError", "the body does not inflate");
            }
        } else if (compression.isEmpty()) {
            raw = body;
        } else {
            return error(project, logstore, 400, "InvalidCompressType", compression + " is not supported");
        }
        if (!Integer.toString(raw.length).equals(headers.get("x-log-bodyrawsize"))) {
            return error(project, logstore, 400, "InvalidBodyRawSize", "x-log-bodyrawsize is not the body's size");
        }
        try {
            return new Checked(project, logstore, 200, null, "", Logs.LogGroup.parseFrom(raw));
        } catch (IOException e) {
            return error(project, logstore, 400, "PostBodyInvalid", "the body is not a LogGroup");
        }
    }

    private static Checked error(String project, String logstore, int status, String code, String message) {
        return new Checked(project, logstore, status, code, message, null);
    }

    /**
     * The v1 signature the service expects: HMAC-SHA1 under the secret of the verb, Content-MD5, Content-Type, Date,
     * the {@code x-log-*} and {@code x-acs-*} headers as {@code name:value} sorted by name, and the path, each on its
     * own line; base64.
     */
    private static String signature(String secret, String method, String path, Map<String, String> headers) {
        StringJoiner text = new StringJoiner("\n");
        text.add(method)
                .add(headers.getOrDefault("content-md5", ""))
                .add(headers.getOrDefault("content-type", ""))
                .add(headers.getOrDefault("date", ""));
        // the map is sorted by lowercase name
        headers.forEach((name, value) -> {
            if (name.startsWith("x-log-") || name.startsWith("x-acs-")) {
                text.add(name + ":" + value);
            }
        });
        text.add(path);
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] inflate(byte[] body) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(body);
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 4);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("truncated");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
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

    @Override
    public void close() {
        server.stop(0);
    }
}
