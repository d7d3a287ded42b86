package io.actiontrail.sink.sls;

import io.actiontrail.InvalidSettingException;
import io.actiontrail.format.EventFormat;
import io.actiontrail.format.EventFormats;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import io.actiontrail.transport.http.HttpAuditSink;
import io.actiontrail.transport.http.HttpTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Delivers audit events to an Alibaba Cloud Log Service (SLS) logstore with the PutLogs API: each event becomes one
 * log, each request one signed LogGroup.
 *
 * <pre>{@code
 * AuditSink sls = SlsAuditSink.builder("cn-hangzhou.log.aliyuncs.com", "audit-project", "actiontrail")
 *         .credentials(System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), System.getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"))
 *         .build();
 * }</pre>
 *
 * <p><b>Logs.</b> One content per top-level field of the event's JSON (schema 1.0), in the line's order: strings as
 * their text, {@code durationMs} as its digits, objects such as {@code userIdentity} or {@code requestParameters} as
 * their compact JSON. The log's time is the event time, to the nanosecond. Every LogGroup carries the topic (default
 * {@value #DEFAULT_TOPIC}), the source (default: this machine's host name), the configured tags, and a {@value
 * #PACK_ID_TAG} tag ({@code <16 hex digits of this sink>-<request number in hex>}) with which the Log Service console
 * shows a log in the context of the logs sent around it.
 *
 * <p><b>Format.</b> The logs are made of this project's JSON by default. {@link Builder#format(EventFormat)} makes
 * them of another {@link EventFormats format}'s JSON instead (one content per top-level field of, for example, the
 * OCSF object); the log's time stays the event time. The trail's checkpoints sign the journal's lines, so logs in
 * another format cannot be checked against them, and an event whose journal line does not decode cannot be written
 * in another format: it is refused for good ({@value #INVALID_EVENT}) and counted.
 *
 * <p><b>Requests.</b> {@code POST /logstores/<logstore>/shards/lb} to {@code <project>.<endpoint>}, the LogGroup
 * deflate-compressed (or not compressed), signed with the AccessKey secret (signature version 1, HMAC-SHA1) and, for
 * temporary credentials, with the STS token in {@code x-acs-security-token}. A batch is cut into requests of at most
 * the batching's {@link Batching#maxEvents() maxEvents} logs and {@link Batching#maxBytes() maxBytes} uncompressed
 * bytes; a single event that is
 * larger than Log Service accepts in one request ({@value #MAX_REQUEST_BYTES} bytes) is refused without being sent.
 *
 * <p><b>Failures.</b> Connection failures, timeouts, 5xx, 429 and the throttling codes ({@code WriteQuotaExceed},
 * {@code ShardWriteQuotaExceed}) are retryable; so are wrong or expired credentials ({@code SignatureNotMatch},
 * {@code Unauthorized}) and a missing project or logstore ({@code ProjectNotExist}, {@code LogStoreNotExist}): an
 * operator can fix those while the backlog waits in the journal, and the status shows the service's error code. A
 * {@code Retry-After} header (seconds or an HTTP date, capped at the transport's
 * {@link HttpTransport#maxRetryAfter()}) makes the pipeline wait
 * at least that long. A request too large for the service (413) is sent again in halves. What can never succeed is
 * permanent: an event too large even alone, an event that is not a JSON object, or a request the service refuses as
 * malformed (other 4xx). Those events are refused once every other event of the batch is delivered, and the failure
 * says how many. Every failure carries the service's error code (or the HTTP status) and the request id; messages
 * never contain the secret or the token.
 *
 * <p>A failure after a partial delivery says which events are delivered and which are refused; the pipeline retries
 * only the others. Delivery is at least
 * once: a request whose answer was lost is sent again, and Log Service does not remove duplicates; {@code eventId}
 * tells them apart.
 *
 * <p>Requests go through an {@link HttpTransport}: one given to the builder is borrowed and stays open when the sink
 * is closed; otherwise the sink creates one with the defaults and closes it with the sink.
 *
 * <p>Thread-safe to share; {@link #write} is called by the pipeline from one thread at a time.
 *
 * <p>Over 500 lines: PutLogs needs the request cut to the service's limits, signed, and its answers read by the
 * service's own error codes, and a failure must say which events of the batch were settled so far — one protocol,
 * read in one place.
 */
public final class SlsAuditSink extends HttpAuditSink {

    /** The default sink name: {@value}. */
    public static final String DEFAULT_NAME = "sls";

    /** The default topic of the logs that carry the trails' signed checkpoints: {@value}. */
    public static final String DEFAULT_CHECKPOINT_TOPIC = "actiontrail-checkpoint";

    /** The default topic of every LogGroup, the logs' {@code __topic__}: {@value}. */
    public static final String DEFAULT_TOPIC = "actiontrail";

    /** The tag that orders a sink's requests for the console's context view: {@value}. */
    public static final String PACK_ID_TAG = "__pack_id__";

    /** The most logs Log Service accepts in one PutLogs request: {@value}. */
    public static final int MAX_REQUEST_LOGS = 40_960;

    /** The most uncompressed LogGroup bytes this sink sends in one PutLogs request, Log Service's limit: 5 MiB. */
    public static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;

    /** The default batching: up to 4,096 events or 3 MiB of JSON per request, or what came within 1 second. */
    public static final Batching DEFAULT_BATCHING = new Batching(4096, 3L * 1024 * 1024, Duration.ofSeconds(1));

    /** How a LogGroup is compressed on the wire. */
    public enum Compression {
        /** Sent as it is. */
        NONE,
        /** zlib-wrapped deflate ({@code x-log-compresstype: deflate}), from the JDK; the default. */
        DEFLATE
    }

    static final String API_VERSION = "0.6.0";
    static final String CONTENT_TYPE = "application/x-protobuf";
    static final String HEADER_REQUEST_ID = "x-log-requestid";

    /** The error code of an event this sink refuses because it is larger than one request may be. */
    static final String EVENT_TOO_LARGE = "EventTooLarge";

    /** The error code of an event whose line is not a JSON object. */
    static final String INVALID_EVENT = "InvalidEvent";

    /** The error code when the credentials supplier fails. */
    static final String CREDENTIALS_UNAVAILABLE = "CredentialsUnavailable";

    private static final MediaType PROTOBUF = MediaType.get(CONTENT_TYPE);
    private static final String USER_AGENT = "actiontrail-sink-sls";
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern LOGSTORE = Pattern.compile("[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");

    /** Error codes that mean "later" or "after an operator's fix", whatever the HTTP status. */
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "WriteQuotaExceed",
            "ShardWriteQuotaExceed",
            "ExceedQuota",
            "ServerBusy",
            "InternalServerError",
            "RequestTimeExpired",
            "Unauthorized",
            "SignatureNotMatch",
            "ProjectNotExist",
            "LogStoreNotExist");

    private final HttpUrl url;
    private final @Nullable String hostHeader;
    private final String origin;
    private final String resource;
    private final String project;
    private final String logstore;
    private final Supplier<SlsCredentials> credentials;
    private final String credentialsDescription;
    private final String topic;
    private final String checkpointTopic;
    private final EventFormat format;
    private final String source;
    private final List<Map.Entry<String, String>> tags;
    private final Compression compression;
    private final int maxRequestBytes;
    private final int headerSize;
    private final String packIdPrefix;
    private final AtomicLong packIds = new AtomicLong();

    /**
     * What the write in progress settled: the events delivered, and the ones refused for good. Cleared before and
     * after each write (one at a time, by the SPI's contract): between two attempts at a batch the sink keeps nothing,
     * the failure tells the pipeline what to send again.
     */
    private final Set<String> delivered = new HashSet<>();

    private final Map<String, Refusal> refused = new LinkedHashMap<>();

    private SlsAuditSink(Builder builder, Supplier<SlsCredentials> credentials) {
        super("SLS sink", builder);
        this.project = builder.project;
        this.logstore = builder.logstore;
        HttpUrl endpoint = builder.endpoint;
        boolean direct = isAddress(endpoint.host());
        String endpointHost = endpoint.host().contains(":") ? "[" + endpoint.host() + "]" : endpoint.host();
        String port = endpoint.port() == HttpUrl.defaultPort(endpoint.scheme()) ? "" : ":" + endpoint.port();
        this.resource = "/logstores/" + logstore + "/shards/lb";
        HttpUrl.Builder url = endpoint.newBuilder()
                .encodedPath("/")
                .addPathSegment("logstores")
                .addPathSegment(logstore)
                .addPathSegment("shards")
                .addPathSegment("lb");
        if (direct) {
            // an address cannot carry the project as a subdomain: connect to it, and name the project in Host
            this.hostHeader = project + "." + endpointHost + port;
            this.origin = endpoint.scheme() + "://" + endpointHost + port;
        } else {
            url.host(project + "." + endpoint.host());
            this.hostHeader = null;
            this.origin = endpoint.scheme() + "://" + project + "." + endpointHost + port;
        }
        this.url = url.build();
        this.credentials = credentials;
        this.credentialsDescription = builder.credentialsDescription;
        this.topic = builder.topic;
        this.checkpointTopic = builder.checkpointTopic;
        this.format = builder.format;
        this.source = builder.source != null ? builder.source : localHostName();
        this.tags = List.copyOf(builder.tags.entrySet());
        this.compression = builder.compression;
        this.maxRequestBytes = builder.maxRequestBytes;
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.packIdPrefix = HexFormat.of().withUpperCase().formatHex(random);
        // the longest pack id this sink can send, so that a request never outgrows its limit by the tag
        this.headerSize = LogGroups.headerSize(topic, source, tagsWith(packIdPrefix + "-" + "f".repeat(16)));
    }

    /**
     * Returns a builder of a sink that writes to {@code logstore} in {@code project}.
     *
     * @param endpoint the region's Log Service endpoint: a host name such as {@code cn-hangzhou.log.aliyuncs.com}
     *     (sent over https), or an {@code https://} or {@code http://} URL of one; an IP address or {@code localhost}
     *     is connected to directly, with the project named in the {@code Host} header
     * @param project the project's name
     * @param logstore the logstore's name
     * @throws IllegalArgumentException if a value is null, blank or malformed; the message names it
     */
    public static Builder builder(String endpoint, String project, String logstore) {
        return new Builder(endpoint(endpoint), name("project", project, PROJECT), name("logstore", logstore, LOGSTORE));
    }

    private static HttpUrl endpoint(@Nullable String endpoint) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new InvalidSettingException("endpoint", "endpoint must not be null or blank");
        }
        String value = endpoint.strip();
        HttpUrl parsed = HttpUrl.parse(value.contains("://") ? value : "https://" + value);
        if (parsed == null) {
            throw new InvalidSettingException(
                    "endpoint",
                    "endpoint must be a host name such as cn-hangzhou.log.aliyuncs.com,"
                            + " or an http or https URL of one: '" + endpoint + "'");
        }
        if (!parsed.encodedPath().equals("/")
                || parsed.encodedQuery() != null
                || parsed.encodedFragment() != null
                || !parsed.username().isEmpty()
                || !parsed.password().isEmpty()) {
            throw new InvalidSettingException(
                    "endpoint",
                    "endpoint must be a host (and port) only, without path, query or user" + " info: '" + endpoint
                            + "'");
        }
        return parsed;
    }

    private static String name(String what, @Nullable String value, Pattern pattern) {
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(what, what + " must not be null or blank");
        }
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSettingException(
                    what,
                    what + " must be 1 to 63 lowercase letters, digits or "
                            + (pattern == LOGSTORE ? "'-' or '_'" : "'-'")
                            + ", starting and ending with a letter or digit: '"
                            + value + "'");
        }
        return value;
    }

    private static boolean isAddress(String host) {
        return host.contains(":") || IPV4.matcher(host).matches() || host.equals("localhost");
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Writes the batch. A failure says which events were delivered and which are refused for good, so that the
     * pipeline sends only the rest again.
     *
     * @throws DeliveryException retryable while any event may still be delivered later; permanent when the remaining
     *     events were refused for good, after every other event was delivered
     * @throws IllegalStateException if the sink was closed
     */
    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        delivered.clear();
        refused.clear();
        try {
            writeAll(batch);
        } catch (DeliveryException e) {
            throw delivered.isEmpty() && refused.isEmpty()
                    ? e
                    : e.withDelivered(delivered).withRefused(refused.keySet());
        } finally {
            delivered.clear();
            refused.clear();
        }
    }

    private void writeAll(AuditBatch batch) throws DeliveryException {
        long chunkLimit = Math.min(batching().maxBytes(), maxRequestBytes);
        List<Pending> chunk = new ArrayList<>();
        long chunkBytes = headerSize;
        for (AuditRecord record : batch.records()) {
            String id = record.eventId();
            if (delivered.contains(id) || refused.containsKey(id)) {
                continue;
            }
            Pending log = encode(record);
            if (log == null) {
                continue;
            }
            int entry = LogGroups.logEntrySize(log.bytes().length);
            if (!chunk.isEmpty() && (chunk.size() >= batching().maxEvents() || chunkBytes + entry > chunkLimit)) {
                send(chunk, batch.size());
                chunk = new ArrayList<>();
                chunkBytes = headerSize;
            }
            chunk.add(log);
            chunkBytes += entry;
        }
        if (!chunk.isEmpty()) {
            send(chunk, batch.size());
        }
        // every event is delivered or refused: the checkpoint covering them goes next to them
        Optional<SignedNote> checkpoint = batch.checkpoint();
        if (checkpoint.isPresent()) {
            sendCheckpoint(checkpoint.get(), batch.size());
        }
        if (!refused.isEmpty()) {
            Map.Entry<String, Refusal> first = refused.entrySet().iterator().next();
            String message = refused.size() + " of " + batch.size() + " events refused for good (the other "
                    + delivered.size() + " are delivered to " + describe() + "); first: event "
                    + first.getKey() + ": " + first.getValue().code() + ": "
                    + first.getValue().reason();
            throw DeliveryException.permanent(message)
                    .withErrorCode(first.getValue().code());
        }
    }

    /**
     * Puts a checkpoint without events (a heartbeat, or the last at a clean stop) as one log of the checkpoint topic.
     *
     * @throws DeliveryException when it was not put; retryable unless Log Service refuses it for good
     */
    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkOpen();
        sendCheckpoint(checkpoint, 0);
    }

    /** Puts one checkpoint as a LogGroup of {@link #checkpointTopic()}. */
    private void sendCheckpoint(SignedNote checkpoint, int batchSize) throws DeliveryException {
        SlsCredentials signer = credentials();
        HttpTransport transport = transport();
        Instant now = transport.now();
        String packId = packIdPrefix + "-" + Long.toHexString(packIds.incrementAndGet());
        byte[] group = LogGroups.group(
                List.of(LogGroups.checkpointLog(checkpoint, now)), checkpointTopic, source, tagsWith(packId));
        try (Response response =
                transport.client().newCall(request(group, now, signer)).execute()) {
            int status = response.code();
            if (status / 100 == 2) {
                return;
            }
            ServiceError error = ServiceError.of(status, response, signer);
            String answer = "PutLogs of a checkpoint to " + describe() + " was answered HTTP " + status + " " + error;
            DeliveryException failure = classify(status, error.code()) == Verdict.REFUSE
                    ? DeliveryException.permanent(answer)
                    : DeliveryException.retryable(answer + progress(batchSize));
            throw failure.withErrorCode(error.code());
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "PutLogs of a checkpoint to " + describe() + " failed before Log Service answered: " + e
                            + progress(batchSize),
                    e);
        }
    }

    /** Returns the topic of the logs that carry the trails' checkpoints. */
    public String checkpointTopic() {
        return checkpointTopic;
    }

    /** An event encoded as a log, waiting to be sent. */
    private static final class Pending {
        private final String eventId;
        private final byte[] bytes;

        Pending(String eventId, byte[] bytes) {
            this.eventId = eventId;
            this.bytes = bytes;
        }

        String eventId() {
            return eventId;
        }

        byte[] bytes() {
            return bytes;
        }
    }

    /** Why an event was refused for good. */
    private record Refusal(String code, String reason) {}

    /** Encodes an event; records and returns {@code null} when it can never be sent. */
    private @Nullable Pending encode(AuditRecord record) {
        byte[] log;
        try {
            if (format == EventFormats.actionTrail()) {
                log = LogGroups.log(record);
            } else {
                byte[] json = record.encoded(format);
                log = LogGroups.log(record.eventId(), record.eventTime(), json, json.length);
            }
        } catch (LogGroups.InvalidEventException | IllegalArgumentException e) {
            refused.put(record.eventId(), new Refusal(INVALID_EVENT, String.valueOf(e.getMessage())));
            return null;
        }
        long size = headerSize + (long) LogGroups.logEntrySize(log.length);
        if (size > maxRequestBytes) {
            refused.put(
                    record.eventId(),
                    new Refusal(
                            EVENT_TOO_LARGE,
                            "as a log the event takes " + size + " bytes in a request, more than the " + maxRequestBytes
                                    + " bytes Log Service accepts in one PutLogs request"));
            return null;
        }
        return new Pending(record.eventId(), log);
    }

    /** What an answer means for the logs of a request. */
    enum Verdict {
        RETRY,
        SPLIT,
        REFUSE
    }

    /**
     * Classifies an error answer: 413 is split in halves; 5xx, 429, 408, 401, 403 (quota, permissions), 404 (project
     * or logstore), 3xx and the retryable error codes are retried; any other 4xx refuses the request's logs for good.
     */
    static Verdict classify(int status, String errorCode) {
        if (status == 413 || errorCode.equals("PostBodyTooLarge")) {
            return Verdict.SPLIT;
        }
        if (status < 400
                || status >= 500
                || status == 401
                || status == 403
                || status == 404
                || status == 408
                || status == 429
                || RETRYABLE_CODES.contains(errorCode)) {
            return Verdict.RETRY;
        }
        return Verdict.REFUSE;
    }

    /** Sends one request of logs; settles each log, or throws when they are to be tried again. */
    private void send(List<Pending> logs, int batchSize) throws DeliveryException {
        SlsCredentials signer = credentials();
        List<byte[]> bytes = new ArrayList<>(logs.size());
        for (Pending log : logs) {
            bytes.add(log.bytes());
        }
        String packId = packIdPrefix + "-" + Long.toHexString(packIds.incrementAndGet());
        byte[] group = LogGroups.group(bytes, topic, source, tagsWith(packId));
        HttpTransport transport = transport();
        Request request = request(group, transport.now(), signer);
        int status;
        ServiceError error;
        @Nullable Duration retryAfter;
        try (Response response = transport.client().newCall(request).execute()) {
            status = response.code();
            if (status / 100 == 2) {
                for (Pending log : logs) {
                    delivered.add(log.eventId());
                }
                return;
            }
            error = ServiceError.of(status, response, signer);
            retryAfter = transport.retryAfter(response);
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "PutLogs of " + logs.size() + " events to " + describe() + " failed before Log Service answered: "
                            + e + progress(batchSize),
                    e);
        }
        String answer =
                "PutLogs of " + logs.size() + " events to " + describe() + " was answered HTTP " + status + " " + error;
        switch (classify(status, error.code())) {
            case SPLIT -> {
                if (logs.size() > 1) {
                    int half = logs.size() / 2;
                    send(logs.subList(0, half), batchSize);
                    send(logs.subList(half, logs.size()), batchSize);
                } else {
                    refused.put(
                            logs.get(0).eventId(),
                            new Refusal(
                                    error.code(), "Log Service refuses the event as too large even alone: " + answer));
                }
            }
            case REFUSE -> {
                for (Pending log : logs) {
                    refused.put(log.eventId(), new Refusal(error.code(), answer));
                }
            }
            case RETRY -> {
                DeliveryException failure = DeliveryException.retryable(answer + progress(batchSize))
                        .withErrorCode(error.code());
                throw retryAfter == null ? failure : failure.withRetryAfter(retryAfter);
            }
        }
    }

    private String progress(int batchSize) {
        return delivered.isEmpty()
                ? ""
                : "; " + delivered.size() + " of the batch's " + batchSize
                        + " events are delivered, and only the others are sent again";
    }

    private SlsCredentials credentials() throws DeliveryException {
        SlsCredentials current;
        try {
            current = credentials.get();
        } catch (RuntimeException e) {
            // neither the message nor the cause: a failing credentials source may describe what it holds
            throw DeliveryException.retryable("the credentials supplier of SLS sink '" + name() + "' threw "
                            + e.getClass().getName() + "; nothing was sent")
                    .withErrorCode(CREDENTIALS_UNAVAILABLE);
        }
        if (current == null) {
            throw DeliveryException.retryable(
                            "the credentials supplier of SLS sink '" + name() + "' returned null; nothing was sent")
                    .withErrorCode(CREDENTIALS_UNAVAILABLE);
        }
        return current;
    }

    private List<Map.Entry<String, String>> tagsWith(String packId) {
        List<Map.Entry<String, String>> all = new ArrayList<>(tags.size() + 1);
        all.addAll(tags);
        all.add(Map.entry(PACK_ID_TAG, packId));
        return all;
    }

    /** Returns the signed PutLogs request of a LogGroup at the given time. */
    Request request(byte[] logGroup, Instant now, SlsCredentials signer) {
        byte[] body = compression == Compression.DEFLATE ? deflate(logGroup) : logGroup;
        String contentMd5 = Signer.contentMd5(body);
        String date = Signer.DATE.format(now);
        SortedMap<String, String> signed = new TreeMap<>();
        signed.put("x-log-apiversion", API_VERSION);
        signed.put("x-log-bodyrawsize", Integer.toString(logGroup.length));
        if (compression == Compression.DEFLATE) {
            signed.put("x-log-compresstype", "deflate");
        }
        signed.put("x-log-signaturemethod", "hmac-sha1");
        String token = signer.securityToken();
        if (token != null) {
            signed.put("x-acs-security-token", token);
        }
        Request.Builder request = new Request.Builder().url(url);
        if (hostHeader != null) {
            request.header("Host", hostHeader);
        }
        request.header("Content-MD5", contentMd5).header("Date", date).header("User-Agent", USER_AGENT);
        signed.forEach(request::header);
        request.header(
                "Authorization",
                Signer.authorization(
                        signer.accessKeyId(),
                        signer.accessKeySecret(),
                        "POST",
                        contentMd5,
                        CONTENT_TYPE,
                        date,
                        signed,
                        resource));
        return request.post(RequestBody.create(body, PROTOBUF)).build();
    }

    /** Returns the zlib-wrapped deflate of the bytes, the {@code deflate} compression of Log Service. */
    static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** The destination, for messages: project, logstore and where they are. */
    /** Returns the format whose JSON the logs are made of. */
    public EventFormat format() {
        return format;
    }

    private String describe() {
        return "project '" + project + "', logstore '" + logstore + "' at " + origin;
    }

    /** Returns the URL requests are sent to. */
    HttpUrl url() {
        return url;
    }

    /** Returns the {@code Host} header set on requests, when the endpoint is an address; otherwise {@code null}. */
    @Nullable
    String hostHeader() {
        return hostHeader;
    }

    /** Returns the source of every LogGroup. */
    String source() {
        return source;
    }

    /** Returns the most bytes of one request. */
    int maxRequestBytes() {
        return maxRequestBytes;
    }

    /** Names the destination and the AccessKey ID; never the secret or the token. */
    @Override
    public String toString() {
        return "SlsAuditSink{name=" + name() + ", endpoint=" + origin + ", project=" + project + ", logstore="
                + logstore + ", credentials=" + credentialsDescription + '}';
    }

    /** Builds an {@link SlsAuditSink}. Not thread-safe. */
    public static final class Builder extends HttpAuditSink.Builder<Builder> {
        private final HttpUrl endpoint;
        private final String project;
        private final String logstore;
        private @Nullable Supplier<SlsCredentials> credentials;
        private String credentialsDescription = "none";
        private String topic = DEFAULT_TOPIC;
        private String checkpointTopic = DEFAULT_CHECKPOINT_TOPIC;
        private EventFormat format = EventFormats.actionTrail();
        private @Nullable String source;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private Compression compression = Compression.DEFLATE;
        private int maxRequestBytes = MAX_REQUEST_BYTES;

        private Builder(HttpUrl endpoint, String project, String logstore) {
            super(DEFAULT_NAME, DEFAULT_BATCHING);
            this.endpoint = endpoint;
            this.project = project;
            this.logstore = logstore;
        }

        /** Signs requests with a permanent AccessKey pair. */
        public Builder credentials(String accessKeyId, String accessKeySecret) {
            return credentials(SlsCredentials.of(accessKeyId, accessKeySecret));
        }

        /** Signs requests with these credentials, a permanent AccessKey pair or a temporary STS credential. */
        public Builder credentials(SlsCredentials credentials) {
            Objects.requireNonNull(credentials, "credentials");
            this.credentials = () -> credentials;
            this.credentialsDescription = credentials.toString();
            return this;
        }

        /**
         * Signs each request with the credentials the supplier returns at that moment, for temporary STS credentials
         * that are renewed before they expire. The supplier is called once per request, from the pipeline's thread;
         * when it throws or returns {@code null}, nothing is sent and the delivery is retried.
         */
        public Builder credentials(Supplier<SlsCredentials> credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            this.credentialsDescription = "supplied";
            return this;
        }

        /**
         * Sets the topic of the logs that carry a trail's signed checkpoints, when the trail has tamper evidence;
         * defaults to {@value #DEFAULT_CHECKPOINT_TOPIC}.
         */
        public Builder checkpointTopic(String checkpointTopic) {
            this.checkpointTopic = Objects.requireNonNull(checkpointTopic, "checkpointTopic");
            return this;
        }

        /** Sets the topic of every LogGroup ({@code __topic__}); may be empty; defaults to {@value #DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Sets the source of every LogGroup ({@code __source__}); may be empty; defaults to this host's name. */
        public Builder source(String source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Adds a tag to every LogGroup, shown on each log as {@code __tag__:<key>}, for example the environment. The
         * sink sets {@value #PACK_ID_TAG} itself.
         */
        public Builder tag(String key, String value) {
            Objects.requireNonNull(value, "tag value");
            if (key == null || key.isBlank() || key.equals(PACK_ID_TAG)) {
                throw new IllegalArgumentException(
                        "tag key must not be blank or " + PACK_ID_TAG + ", which the sink sets: '" + key + "'");
            }
            tags.put(key, value);
            return this;
        }

        /**
         * Sets the format whose JSON the logs are made of; {@link EventFormats#actionTrail()}, the journal's lines, by
         * default.
         *
         * @throws InvalidSettingException naming {@code format}, for a binary-mode format: a log has no headers
         */
        public Builder format(EventFormat format) {
            Objects.requireNonNull(format, "format");
            if (format.isBinary()) {
                throw new InvalidSettingException(
                        "format",
                        "format " + format.name() + " puts metadata into message headers, which logs do not have;"
                                + " use " + EventFormats.CLOUDEVENTS + " (structured mode)");
            }
            this.format = format;
            return this;
        }

        /** Sets how request bodies are compressed; defaults to {@link Compression#DEFLATE}. */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * Takes batching within Log Service's limits per request: at most {@value #MAX_REQUEST_LOGS} events and 5 MiB
         * (of JSON per batch, of uncompressed LogGroup per request); the default is {@link #DEFAULT_BATCHING}. A
         * single larger event is still sent, alone, up to the 5 MiB limit.
         */
        @Override
        protected Batching check(Batching batching) {
            if (batching.maxEvents() > MAX_REQUEST_LOGS) {
                throw new IllegalArgumentException("batching.maxEvents must be at most " + MAX_REQUEST_LOGS
                        + " (Log Service's limit per request): " + batching.maxEvents());
            }
            if (batching.maxBytes() > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("batching.maxBytes must be at most " + MAX_REQUEST_BYTES
                        + " (Log Service's limit per request): " + batching.maxBytes());
            }
            return batching;
        }

        /** Lowers the per-request limit that refuses an event, for tests that cannot send 5 MiB. */
        Builder maxRequestBytes(int maxRequestBytes) {
            if (maxRequestBytes <= 0 || maxRequestBytes > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException(
                        "maxRequestBytes must be between 1 and " + MAX_REQUEST_BYTES + ": " + maxRequestBytes);
            }
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /**
         * Returns the sink.
         *
         * @throws IllegalStateException if no credentials were set
         */
        public SlsAuditSink build() {
            Supplier<SlsCredentials> signer = credentials;
            if (signer == null) {
                throw new IllegalStateException("credentials are required: every PutLogs request is signed");
            }
            return new SlsAuditSink(this, signer);
        }
    }
}
