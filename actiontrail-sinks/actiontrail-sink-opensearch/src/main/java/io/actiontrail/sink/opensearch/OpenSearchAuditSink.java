package io.actiontrail.sink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.format.EventFormat;
import io.actiontrail.format.EventFormats;
import io.actiontrail.integrity.Checkpoint;
import io.actiontrail.integrity.SignedNote;
import io.actiontrail.sink.AbstractAuditSink;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Indexes audit events in OpenSearch 2.x or Elasticsearch 7.8+/8.x through the {@code _bulk} API: one document per
 * event, its JSON exactly as in the journal, in the daily index {@code <index>-yyyy.MM.dd} of its event time (UTC).
 *
 * <pre>{@code
 * AuditSink search = OpenSearchAuditSink.builder(connection).index("actiontrail").build();
 * }</pre>
 *
 * <p><b>No duplicates.</b> Every document is written with a {@code create} action and {@code _id = eventId}: a batch
 * that is delivered again, after a retry or a restart, finds its documents already there, and the sink counts those as
 * delivered. (Elasticsearch and OpenSearch keep {@code _id} unique per index, and an event always goes to the index of
 * its own day.)
 *
 * <p><b>Mappings.</b> On its first write the sink installs the composable index template {@code <index>} for
 * {@code <index>-*} (unless {@link Builder#installTemplate(boolean) switched off}): every string field is a
 * {@code keyword}, {@code eventTime} and {@code userIdentity.sessionContext.creationDate} are {@code date}s,
 * {@code durationMs} is a {@code long}, and the free-form {@code requestParameters}, {@code responseElements} and
 * {@code additionalEventData} are kept in the document but not indexed, so that no application's arguments can cause a
 * mapping conflict or a mapping explosion.
 *
 * <p><b>Format.</b> Documents are the journal's JSON lines by default, which {@link OpenSearchEventStore} reads and
 * the template above maps. {@link Builder#format(EventFormat)} indexes another {@link EventFormats format} instead —
 * OCSF API Activity for a security data lake, CloudEvents, the CloudTrail record — into indices of their own (give
 * them another {@link Builder#index(String) index prefix}): the sink then installs no template (the cluster's, or one
 * of the user's, applies), {@link OpenSearchEventStore} cannot read them, and the trail's checkpoints, which sign the
 * journal's lines, cannot be checked against the documents. An event whose journal line does not decode cannot be
 * written in another format: it is refused for good and counted.
 *
 * <p><b>Per-item results.</b> An item that is created, or already exists, is delivered. Items throttled (429), hit by
 * a server error, a missing index or a write block fail the batch retryably, saying which items are indexed; the
 * pipeline then retries only the others. Items the index refuses for their content (400: a mapping conflict, a
 * malformed field) are reported once the rest is indexed, as a permanent failure carrying the error type, such as
 * {@code mapper_parsing_exception}. A request too large for the cluster (413) is split in halves.
 *
 * <p><b>Whole-request failures</b> — connection failures, 5xx, 429, and also 401/403 (wrong credentials or
 * privileges) — are retryable with the server's error type as the error code: the backlog waits in the journal until
 * the cluster or its configuration is fixed.
 *
 * <p>The {@link OpenSearchConnection} given to {@link #builder(OpenSearchConnection)} is borrowed; one created by
 * {@link #builder(String)} is closed with the sink.
 *
 * <p>Thread-safe to share; {@link #write} is called by the pipeline from one thread at a time.
 */
public final class OpenSearchAuditSink extends AbstractAuditSink {

    /** The default sink name: {@value}. */
    public static final String DEFAULT_NAME = "opensearch";

    /** The default index prefix: {@value}; events go to {@code actiontrail-yyyy.MM.dd}. */
    public static final String DEFAULT_INDEX = "actiontrail";

    /** What the checkpoint index adds to the index prefix: {@value}. */
    public static final String CHECKPOINT_INDEX_SUFFIX = "_checkpoints";

    /** The default batching: up to 1,000 events or 5 MiB of JSON per {@code _bulk} request, or what came in 1 s. */
    public static final Batching DEFAULT_BATCHING = new Batching(1000, 5L * 1024 * 1024, Duration.ofSeconds(1));

    /** The default number of primary shards of each daily index: {@value}. */
    public static final int DEFAULT_SHARDS = 1;

    static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,200}");

    private final OpenSearchConnection connection;
    private final String index;
    private final EventFormat format;
    private final boolean installTemplate;
    private final int shards;
    private final @Nullable Integer replicas;
    private final @Nullable String refresh;
    private volatile boolean templateInstalled;

    private OpenSearchAuditSink(Builder builder, OpenSearchConnection connection, boolean ownsConnection) {
        super("OpenSearch sink", builder, ownsConnection ? connection::close : () -> {});
        this.connection = connection;
        this.index = builder.index;
        this.format = builder.format;
        this.installTemplate = builder.installTemplate && builder.format == EventFormats.actionTrail();
        this.shards = builder.shards;
        this.replicas = builder.replicas;
        this.refresh = builder.refresh;
    }

    /** Returns a builder of a sink that sends through {@code connection}, which it borrows. */
    public static Builder builder(OpenSearchConnection connection) {
        Objects.requireNonNull(connection, "connection");
        return new Builder(connection, null);
    }

    /**
     * Returns a builder of a sink to the cluster at {@code url}, without credentials, through a connection the sink
     * creates and closes; use {@link #builder(OpenSearchConnection)} for credentials, TLS settings or a shared client.
     */
    public static Builder builder(String url) {
        return new Builder(null, OpenSearchConnection.builder(url));
    }

    /**
     * Indexes the batch. A failure says which events were indexed and which the index refuses, so that the pipeline
     * sends only the rest again.
     *
     * @throws DeliveryException retryable while any item may still be indexed later; permanent when the remaining items
     *     were refused for their content
     * @throws IllegalStateException if the sink was closed
     */
    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        ensureTemplate();
        Settled settled = new Settled();
        Map<String, Failure> retry = new LinkedHashMap<>();
        List<Document> documents = new ArrayList<>(batch.size());
        for (AuditRecord record : batch.records()) {
            try {
                documents.add(new Document(record.eventId(), indexOf(record), record.encoded(format)));
            } catch (IllegalArgumentException e) {
                // a journal line that does not decode cannot be written in another format: refused, counted
                settled.refused.put(
                        record.eventId(), "encoding_failed: not encodable as " + format.name() + ": " + e.getMessage());
            }
        }
        try {
            send(documents, settled, retry);
        } catch (DeliveryException e) {
            throw settled.onto(e); // a request failed after others of the batch were answered
        }
        if (retry.isEmpty()) {
            // every event is indexed or refused: the checkpoint covering them goes next to them
            Optional<SignedNote> checkpoint = batch.checkpoint();
            if (checkpoint.isPresent()) {
                try {
                    putCheckpoint(checkpoint.get());
                } catch (DeliveryException e) {
                    throw settled.onto(e);
                }
            }
        }
        if (!retry.isEmpty()) {
            Failure first = retry.values().iterator().next();
            DeliveryException e = DeliveryException.retryable(retry.size() + " of " + batch.size()
                            + " events not indexed yet (" + settled.indexed.size()
                            + " indexed): " + first.type + ": " + first.reason
                            + "; only the failed events are sent again")
                    .withErrorCode(first.type);
            throw settled.onto(first.retryAfter == null ? e : e.withRetryAfter(first.retryAfter));
        }
        if (!settled.refused.isEmpty()) {
            Map.Entry<String, String> first =
                    settled.refused.entrySet().iterator().next();
            String message = settled.refused.size() + " of " + batch.size()
                    + " events refused by the index for their content (the other " + settled.indexed.size()
                    + " are indexed); first: " + first.getKey() + ": " + first.getValue();
            String type = first.getValue().substring(0, first.getValue().indexOf(':'));
            throw settled.onto(DeliveryException.permanent(message).withErrorCode(type));
        }
    }

    /**
     * Indexes a checkpoint without events (a heartbeat, or the last at a clean stop) in the checkpoint index,
     * {@code <index>_checkpoints}.
     *
     * @throws DeliveryException when it was not indexed; retryable
     */
    @Override
    public void writeCheckpoint(SignedNote checkpoint) throws DeliveryException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkOpen();
        putCheckpoint(checkpoint);
    }

    /** The index of the trails' checkpoints: {@code <index>_checkpoints}, outside {@code <index>-*}. */
    public String checkpointIndex() {
        return index + CHECKPOINT_INDEX_SUFFIX;
    }

    /**
     * Indexes one checkpoint as a document whose id is derived from the signed note (a retry overwrites itself):
     * {@code origin}, {@code treeSize}, {@code rootHash} (base64), {@code signedAt}, {@code closed} and the signed note
     * itself, {@code checkpoint}, which is what a verifier trusts.
     */
    private void putCheckpoint(SignedNote checkpoint) throws DeliveryException {
        Checkpoint body = Checkpoint.parse(checkpoint.text());
        String text = checkpoint.toString();
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("origin", body.origin());
        doc.put("treeSize", body.size());
        doc.put("rootHash", Base64.getEncoder().encodeToString(body.rootHash()));
        for (String extension : body.extensions()) {
            if (extension.startsWith("actiontrail-time ")) {
                doc.put("signedAt", extension.substring("actiontrail-time ".length()));
            }
        }
        doc.put("closed", body.extensions().contains("actiontrail-closed"));
        doc.put("checkpoint", text);
        String id;
        try {
            id = HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        Request request = new Request.Builder()
                .url(connection.url(checkpointIndex(), "_doc", id))
                .put(RequestBody.create(doc.toString().getBytes(StandardCharsets.UTF_8), Json.JSON))
                .build();
        try (Response response = connection.execute(request)) {
            int status = response.code();
            if (status / 100 != 2) {
                JsonNode answer = Json.body(response);
                String type = Json.errorType(answer, status);
                throw DeliveryException.retryable("PUT " + connection.describe() + "/" + checkpointIndex()
                                + " of a checkpoint was answered HTTP " + status + ": " + type + ": "
                                + Json.errorReason(answer))
                        .withErrorCode(type);
            }
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "PUT " + connection.describe() + "/" + checkpointIndex()
                            + " of a checkpoint failed before the cluster answered: " + e,
                    e);
        }
    }

    /** What one write settled: the events indexed, and the ones refused with the index's reason. Not thread-safe. */
    private static final class Settled {
        final Set<String> indexed = new LinkedHashSet<>();
        final Map<String, String> refused = new LinkedHashMap<>();

        DeliveryException onto(DeliveryException failure) {
            return indexed.isEmpty() && refused.isEmpty()
                    ? failure
                    : failure.withDelivered(indexed).withRefused(refused.keySet());
        }
    }

    /** A retryable failure of one item or of a whole request. */
    private record Failure(
            String type, String reason, @Nullable Duration retryAfter) {}

    /** One event as indexed: its id, its daily index and its source in the sink's format. Immutable. */
    private static final class Document {
        private final String id;
        private final String index;
        private final byte[] source;

        Document(String id, String index, byte[] source) {
            this.id = id;
            this.index = index;
            this.source = source;
        }

        String id() {
            return id;
        }

        String index() {
            return index;
        }

        byte[] source() {
            return source;
        }
    }

    /** Sends the documents in one {@code _bulk} request (halves on 413); settles each, or adds it to {@code retry}. */
    private void send(List<Document> records, Settled settled, Map<String, Failure> retry) throws DeliveryException {
        if (records.isEmpty()) {
            return;
        }
        HttpUrl.Builder url = connection.url("_bulk").newBuilder();
        if (refresh != null) {
            url.addQueryParameter("refresh", refresh);
        }
        Request request = new Request.Builder()
                .url(url.build())
                .post(RequestBody.create(bulkBody(records), Json.NDJSON))
                .build();
        JsonNode body;
        int status;
        try (Response response = connection.execute(request)) {
            status = response.code();
            body = Json.body(response);
            if (status == 413) {
                if (records.size() > 1) {
                    int half = records.size() / 2;
                    send(records.subList(0, half), settled, retry);
                    send(records.subList(half, records.size()), settled, retry);
                } else {
                    settled.refused.put(
                            records.get(0).id(),
                            "request_entity_too_large: the event is larger than the"
                                    + " cluster's http.max_content_length");
                }
                return;
            }
            if (status / 100 != 2) {
                String type = Json.errorType(body, status);
                Duration after =
                        status == 429 || status == 503 ? connection.transport().retryAfter(response) : null;
                DeliveryException e = DeliveryException.retryable("POST " + connection.describe() + "/_bulk of "
                                + records.size() + " events was answered HTTP " + status + ": " + type + ": "
                                + Json.errorReason(body))
                        .withErrorCode(type);
                throw after == null ? e : e.withRetryAfter(after);
            }
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "POST " + connection.describe() + "/_bulk of " + records.size()
                            + " events failed before the cluster answered: " + e,
                    e);
        }
        JsonNode items = body.path("items");
        if (!items.isArray() || items.size() != records.size()) {
            throw DeliveryException.retryable("POST " + connection.describe() + "/_bulk answered " + items.size()
                            + " item results for " + records.size() + " events")
                    .withErrorCode("unexpected_bulk_response");
        }
        for (int i = 0; i < records.size(); i++) {
            String id = records.get(i).id();
            JsonNode item = items.get(i).path("create");
            int itemStatus = item.path("status").asInt(0);
            switch (outcome(itemStatus)) {
                case INDEXED -> settled.indexed.add(id);
                case REFUSED ->
                    settled.refused.put(id, Json.errorType(item, itemStatus) + ": " + Json.errorReason(item));
                case RETRY ->
                    retry.put(id, new Failure(Json.errorType(item, itemStatus), Json.errorReason(item), null));
            }
        }
    }

    /** What an item's status means. */
    enum ItemOutcome {
        INDEXED,
        RETRY,
        REFUSED
    }

    /**
     * Classifies one item of a {@code _bulk} answer: created (201) or already there (409, the {@code create} of an id
     * that exists) is indexed; 400 (mapping conflict, malformed value) and 413 are refused for good; anything else
     * (429 throttling, 5xx, 404 missing index, 403 write block) may succeed later.
     */
    static ItemOutcome outcome(int status) {
        if (status / 100 == 2 || status == 409) {
            return ItemOutcome.INDEXED;
        }
        if (status == 400 || status == 413) {
            return ItemOutcome.REFUSED;
        }
        return ItemOutcome.RETRY;
    }

    private static byte[] bulkBody(List<Document> documents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (Document document : documents) {
                ObjectNode action = Json.MAPPER.createObjectNode();
                ObjectNode create = action.putObject("create");
                create.put("_index", document.index());
                create.put("_id", document.id());
                out.write(Json.MAPPER.writeValueAsBytes(action));
                out.write('\n');
                out.write(document.source());
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return out.toByteArray();
    }

    /** Returns the format the documents are written in. */
    public EventFormat format() {
        return format;
    }

    /** The daily index of a record: {@code <index>-yyyy.MM.dd} of its event time in UTC. */
    String indexOf(AuditRecord record) {
        return index + "-" + DAY.format(record.eventTime());
    }

    /** Installs the index template unless it is installed or switched off. */
    void ensureTemplate() throws DeliveryException {
        if (installTemplate && !templateInstalled) {
            installTemplate();
        }
    }

    private void installTemplate() throws DeliveryException {
        ObjectNode template = IndexTemplate.body(index, shards, replicas);
        Request request = new Request.Builder()
                .url(connection.url("_index_template", index))
                .put(RequestBody.create(template.toString().getBytes(StandardCharsets.UTF_8), Json.JSON))
                .build();
        try (Response response = connection.execute(request)) {
            int status = response.code();
            if (status / 100 != 2) {
                JsonNode body = Json.body(response);
                String type = Json.errorType(body, status);
                throw DeliveryException.retryable("PUT " + connection.describe() + "/_index_template/" + index
                                + " was answered HTTP " + status + ": " + type + ": " + Json.errorReason(body)
                                + "; no event is sent before the template is installed")
                        .withErrorCode(type);
            }
        } catch (IOException e) {
            throw DeliveryException.retryable(
                    "PUT " + connection.describe() + "/_index_template/" + index
                            + " failed before the cluster answered: " + e,
                    e);
        }
        templateInstalled = true;
    }

    /** Returns the index prefix. */
    String index() {
        return index;
    }

    @Override
    public String toString() {
        return "OpenSearchAuditSink{name=" + name() + ", " + connection + ", index=" + index + '}';
    }

    /** Builds an {@link OpenSearchAuditSink}. Not thread-safe. */
    public static final class Builder extends AbstractAuditSink.Builder<Builder> {
        private final @Nullable OpenSearchConnection connection;
        private final OpenSearchConnection.@Nullable Builder connectionBuilder;
        private String index = DEFAULT_INDEX;
        private EventFormat format = EventFormats.actionTrail();
        private boolean installTemplate = true;
        private int shards = DEFAULT_SHARDS;
        private @Nullable Integer replicas;
        private @Nullable String refresh;

        private Builder(
                @Nullable OpenSearchConnection connection, OpenSearchConnection.@Nullable Builder connectionBuilder) {
            super(DEFAULT_NAME, DEFAULT_BATCHING);
            this.connection = connection;
            this.connectionBuilder = connectionBuilder;
        }

        /**
         * Sets the index prefix: events go to {@code <index>-yyyy.MM.dd}, and the template is named after it; defaults
         * to {@value #DEFAULT_INDEX}. Lowercase letters, digits, {@code . _ -}, not starting with a symbol.
         */
        public Builder index(String index) {
            Objects.requireNonNull(index, "index");
            if (!INDEX_NAME.matcher(index).matches()) {
                throw new IllegalArgumentException(
                        "index must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit: '"
                                + index + "'");
            }
            this.index = index;
            return this;
        }

        /**
         * Sets the format of the documents; {@link EventFormats#actionTrail()}, the journal's lines as they are, by
         * default. With another format the sink installs no index template and {@link OpenSearchEventStore} cannot
         * read the documents: give them an index prefix of their own.
         *
         * @throws InvalidSettingException naming {@code format}, for a binary-mode format: a document has no headers
         */
        public Builder format(EventFormat format) {
            Objects.requireNonNull(format, "format");
            if (format.isBinary()) {
                throw new InvalidSettingException(
                        "format",
                        "format " + format.name() + " puts metadata into message headers, which indexed documents do"
                                + " not have; use " + EventFormats.CLOUDEVENTS + " (structured mode)");
            }
            this.format = format;
            return this;
        }

        /**
         * Sets whether the sink installs its index template on the first write; defaults to {@code true}. A sink in a
         * format other than the default never installs it.
         */
        public Builder installTemplate(boolean installTemplate) {
            this.installTemplate = installTemplate;
            return this;
        }

        /** Sets the primary shards of each daily index, in the template; defaults to {@value #DEFAULT_SHARDS}. */
        public Builder shards(int shards) {
            if (shards <= 0) {
                throw new IllegalArgumentException("shards must be positive: " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Sets the replicas of each daily index, in the template; defaults to the cluster's default. */
        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must not be negative: " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /**
         * Sets the {@code refresh} parameter of each {@code _bulk} request: {@code "true"}, {@code "wait_for"} or
         * {@code "false"}; defaults to none, which leaves visibility to the index's refresh interval.
         */
        public Builder refresh(String refresh) {
            Objects.requireNonNull(refresh, "refresh");
            if (!refresh.equals("true") && !refresh.equals("false") && !refresh.equals("wait_for")) {
                throw new IllegalArgumentException("refresh must be true, false or wait_for: '" + refresh + "'");
            }
            this.refresh = refresh;
            return this;
        }

        /** Returns the sink. */
        public OpenSearchAuditSink build() {
            OpenSearchConnection given = connection;
            if (given != null) {
                return new OpenSearchAuditSink(this, given, false);
            }
            return new OpenSearchAuditSink(
                    this, Objects.requireNonNull(connectionBuilder).build(), true);
        }
    }
}
