package io.actiontrail.sink.kafka;

import io.actiontrail.AuditEvent;
import io.actiontrail.ConflictingSettingsException;
import io.actiontrail.EventType;
import io.actiontrail.InvalidSettingException;
import io.actiontrail.UserIdentity;
import io.actiontrail.format.Binding;
import io.actiontrail.format.EventFormat;
import io.actiontrail.format.EventFormats;
import io.actiontrail.sink.AbstractAuditSink;
import io.actiontrail.sink.AuditBatch;
import io.actiontrail.sink.AuditRecord;
import io.actiontrail.sink.Batching;
import io.actiontrail.sink.DeliveryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * Delivers audit events to an Apache Kafka topic: each event is one record whose value is the event's JSON line as
 * the journal holds it (schema version 1.0, UTF-8), keyed as {@link RecordKey} says, through an idempotent producer
 * with {@code acks=all}.
 *
 * <pre>{@code
 * AuditSink kafka = KafkaAuditSink.builder("kafka-1.internal:9092,kafka-2.internal:9092", "audit-events")
 *         .key(RecordKey.RESOURCE)
 *         .sasl("SCRAM-SHA-512", "actiontrail", System.getenv("KAFKA_PASSWORD"))
 *         .property("ssl.truststore.location", "/etc/kafka/truststore.p12")
 *         .build();
 * }</pre>
 *
 * <p><b>Delivery.</b> A batch is delivered only when the brokers acknowledged every one of its records: the producer
 * sends with {@code enable.idempotence=true} and {@code acks=all}, so an acknowledged record is on every in-sync
 * replica, and a record the producer retries by itself is written once. When only some records were acknowledged,
 * the failure names them ({@link DeliveryException#withDelivered}) and the pipeline retries only the others. A record
 * can still reach the topic twice (the sink retried a batch whose acknowledgements were lost, or the process stopped
 * between the acknowledgement and the journal's cursor): duplicates carry the same event id, and, keyed by event id,
 * the same key. Within a partition, records keep journal order.
 *
 * <p><b>Format.</b> By default a record's value is the journal's line as it is; {@link Builder#format(EventFormat)}
 * chooses another {@link EventFormats format}, such as OCSF or CloudEvents. With any format but the default, the
 * record also has a {@value #HEADER_CONTENT_TYPE} header with the format's media type, and in CloudEvents binary mode
 * the {@code ce_*} headers of the Kafka protocol binding, the value being the ActionTrail JSON object.
 *
 * <p><b>Headers.</b> {@value #HEADER_EVENT_NAME}: the event's name; {@value #HEADER_EVENT_TYPE}: its type, such as
 * {@code ApiCall}, when it has one; {@value #HEADER_TENANT}: the account id of its user identity, when it has one. All
 * UTF-8. The record's timestamp is the producer's send time; the event's own time is in the JSON.
 *
 * <p><b>Failures.</b> A record too large for the topic ({@code max.message.bytes}) or for the producer
 * ({@code max.request.size}) is refused for good: the pipeline drops it, counted and reported as {@code rejected},
 * and delivers the rest of its batch. Everything else is {@linkplain DeliveryException#isRetryable() retryable}, so
 * the events stay in the journal until it passes or an operator fixes it: brokers down or unreachable, timeouts, too
 * few in-sync replicas, and also wrong SASL credentials, missing ACLs and a topic that does not exist, whose messages
 * say so and name the topic. The trail's status shows Kafka's error name ({@code SASL_AUTHENTICATION_FAILED},
 * {@code TOPIC_AUTHORIZATION_FAILED}, {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code REQUEST_TIMED_OUT}, …) as the error
 * code. After a failure that may leave the producer unusable (any that Kafka does not call retriable) the next write
 * starts a new producer. Passwords and other secret client properties never appear in messages, status or
 * {@link #toString()}.
 *
 * <p><b>Timing.</b> A write waits at most about twice the {@link Builder#deliveryTimeout(Duration) delivery timeout}:
 * up to that long for the topic's metadata ({@code max.block.ms}) and up to that long for the acknowledgements
 * ({@code delivery.timeout.ms}). {@link #close()} gives records still in flight up to the
 * {@link Builder#closeTimeout(Duration) close timeout}, then closes the producer.
 *
 * <p>The sink creates its producer itself, on the first write: the guarantees above depend on settings it must own.
 *
 * <p>Thread-safe to share; {@link #write} is called by the pipeline from one thread at a time.
 *
 * <p>Over 500 lines on purpose: most of it is the builder's checks of the producer settings that would break the
 * delivery guarantees, kept next to the one place that relies on them.
 */
public final class KafkaAuditSink extends AbstractAuditSink {

    /** The default sink name: {@value}. */
    public static final String DEFAULT_NAME = "kafka";

    /**
     * The default batching: up to 1,000 events or 4 MiB of JSON per write, or what came within 100 ms. The producer
     * groups records into its own requests; a write waits for all of its records' acknowledgements.
     */
    public static final Batching DEFAULT_BATCHING = Batching.DEFAULT;

    /** The default {@link Builder#deliveryTimeout(Duration) delivery timeout}: 30 seconds. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    /** The default {@link Builder#closeTimeout(Duration) close timeout}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** The header with the event's name: {@value}. */
    public static final String HEADER_EVENT_NAME = "actiontrail-event-name";

    /** The header with the event's type, such as {@code ApiCall}, when it has one: {@value}. */
    public static final String HEADER_EVENT_TYPE = "actiontrail-event-type";

    /** The header with the account id of the event's user identity, when it has one: {@value}. */
    public static final String HEADER_TENANT = "actiontrail-tenant";

    /** The header with the media type of the value, written for every format but the default: {@value}. */
    public static final String HEADER_CONTENT_TYPE = "content-type";

    /** The SASL mechanisms {@link Builder#sasl} configures. */
    public static final Set<String> SASL_MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** The longest time the sink waits for the topic check after a metadata timeout. */
    private static final Duration MAX_TOPIC_CHECK = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final String topic;
    private final RecordKey key;
    private final EventFormat format;
    private final Duration deliveryTimeout;
    private final Duration maxBlock;
    private final Secrets secrets;
    private final ProducerHolder holder;
    private final TopicCheck topicCheck;

    private KafkaAuditSink(Builder builder, Map<String, Object> config, Secrets secrets, ProducerHolder holder) {
        super("Kafka sink", builder, holder::close);
        this.bootstrapServers = builder.bootstrapServers;
        this.topic = builder.topic;
        this.key = builder.key;
        this.format = builder.format;
        this.deliveryTimeout = builder.deliveryTimeout;
        this.maxBlock = Duration.ofMillis(longOf(config, ProducerConfig.MAX_BLOCK_MS_CONFIG));
        this.secrets = secrets;
        this.holder = holder;
        this.topicCheck = new TopicCheck(
                config, topic, deliveryTimeout.compareTo(MAX_TOPIC_CHECK) < 0 ? deliveryTimeout : MAX_TOPIC_CHECK);
    }

    /**
     * Returns a builder of a sink that publishes to {@code topic} on the cluster at {@code bootstrapServers}.
     *
     * @param bootstrapServers {@code host:port} pairs separated by commas, such as {@code kafka-1:9092,kafka-2:9092}
     * @param topic the topic's name: letters, digits, {@code .}, {@code _} and {@code -}, at most 249 characters
     * @throws InvalidSettingException naming {@code bootstrapServers} or {@code topic}, whichever is not valid
     */
    public static Builder builder(String bootstrapServers, String topic) {
        return new Builder(checkBootstrapServers(bootstrapServers), checkTopic(topic));
    }

    /** Returns the topic the sink publishes to. */
    public String topic() {
        return topic;
    }

    /** Returns what the records' keys are made of. */
    public RecordKey key() {
        return key;
    }

    /** Returns the format of the records' values. */
    public EventFormat format() {
        return format;
    }

    /**
     * Publishes every record of the batch and waits for the brokers to acknowledge each.
     *
     * @throws DeliveryException when a record was not acknowledged: permanent when the only failures are records too
     *     large, which it names as refused; retryable otherwise; either names the records that were acknowledged
     * @throws IllegalStateException if the sink was closed
     */
    @Override
    public void write(AuditBatch batch) throws DeliveryException {
        Objects.requireNonNull(batch, "batch");
        checkOpen();
        Producer<byte[], byte[]> producer = producer();
        List<AuditRecord> records = batch.records();
        List<Future<RecordMetadata>> pending = new ArrayList<>(records.size());
        Outcome outcome = new Outcome();
        for (AuditRecord record : records) {
            Future<RecordMetadata> sent;
            ProducerRecord<byte[], byte[]> producerRecord;
            try {
                producerRecord = toProducerRecord(record);
            } catch (IllegalArgumentException e) {
                // a journal line that does not decode cannot be written in another format: refused, counted
                pending.add(CompletableFuture.failedFuture(new KafkaFailures.UnencodableRecordException(
                        "the journal line of event " + record.eventId() + " does not decode, so it cannot be"
                                + " written as " + format.name() + ": " + e.getMessage())));
                continue;
            }
            try {
                sent = producer.send(producerRecord);
            } catch (InterruptException e) {
                Thread.interrupted(); // Kafka set the flag again; it is restored once the acknowledgements are read
                outcome.interrupted = true;
                outcome.fail(e);
                break;
            } catch (KafkaException | IllegalStateException e) {
                // a closed producer, or one in a fatal state: nothing more can be sent with it
                outcome.fail(e);
                break;
            }
            pending.add(sent);
            Throwable early = failedAlready(sent);
            if (early != null && !KafkaFailures.refusesRecord(early)) {
                // the metadata wait or a check before sending failed: every further record would wait and fail alike
                break;
            }
        }
        settle(records, pending, outcome);
        if (outcome.interrupted) {
            Thread.currentThread().interrupt();
        }
        if (outcome.failure == null && outcome.refused.isEmpty()) {
            return;
        }
        throw failure(batch, outcome);
    }

    /** What the write came to: the records acknowledged, the ones refused, and the first other failure. */
    private static final class Outcome {
        final Set<String> delivered = new LinkedHashSet<>();
        final Map<String, Throwable> refused = new LinkedHashMap<>();

        @Nullable
        Throwable failure;

        boolean interrupted;

        void fail(Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** Waits for the acknowledgement or failure of every record sent, until the write's deadline. */
    private void settle(List<AuditRecord> records, List<Future<RecordMetadata>> pending, Outcome outcome) {
        // every future completes within delivery.timeout.ms by Kafka's guarantee; the deadline only guards against a
        // bug
        long deadline = System.nanoTime()
                + maxBlock.plus(deliveryTimeout).plusSeconds(5).toNanos();
        for (int i = 0; i < pending.size(); i++) {
            String eventId = records.get(i).eventId();
            if (outcome.interrupted) {
                break; // what is not settled is retried; the producer may still deliver it, as a duplicate
            }
            try {
                pending.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                outcome.delivered.add(eventId);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (KafkaFailures.refusesRecord(cause)) {
                    outcome.refused.put(eventId, cause);
                } else {
                    outcome.fail(cause);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                outcome.fail(new org.apache.kafka.common.errors.TimeoutException(
                        "no acknowledgement within the write's deadline", e));
            } catch (InterruptedException e) {
                outcome.interrupted = true;
                outcome.fail(e);
            }
        }
    }

    private DeliveryException failure(AuditBatch batch, Outcome outcome) {
        Throwable failure = outcome.failure;
        if (failure == null) {
            // only refusals: they are final, and everything else of the batch was acknowledged
            Map.Entry<String, Throwable> first =
                    outcome.refused.entrySet().iterator().next();
            String message = outcome.refused.size() + " of " + batch.size() + " events refused by topic '" + topic
                    + (first.getValue() instanceof KafkaFailures.UnencodableRecordException
                            ? "' as not encodable"
                            : "' as too large")
                    + " (the other " + outcome.delivered.size() + " are acknowledged); first: "
                    + first.getKey() + ": " + KafkaFailures.describe(first.getValue())
                    + " — raise the topic's max.message.bytes and the producer's max.request.size, or record smaller"
                    + " events";
            return DeliveryException.permanent(secrets.mask(message))
                    .withErrorCode(KafkaFailures.errorCode(first.getValue()))
                    .withDelivered(outcome.delivered)
                    .withRefused(outcome.refused.keySet());
        }
        if (KafkaFailures.breaksProducer(failure)) {
            holder.discard();
        }
        String errorCode = KafkaFailures.errorCode(failure);
        String reason = KafkaFailures.describe(failure);
        String hint = KafkaFailures.hint(failure, topic);
        if (KafkaFailures.isMetadataTimeout(failure)) {
            // The producer reports a missing topic only as a metadata timeout (Kafka treats UNKNOWN_TOPIC_OR_PARTITION
            // as retriable, in case the topic is being created). Asking the cluster tells the two causes apart.
            TopicCheck.Result check = topicCheck.run();
            switch (check.verdict()) {
                case MISSING -> {
                    errorCode = "UNKNOWN_TOPIC_OR_PARTITION";
                    // Retryable, as the SPI asks of configuration an operator can fix: once the topic is created, the
                    // backlog that waited in the journal is delivered. Dropping it would lose every event recorded
                    // until then, and the brokers may be creating the topic right now.
                    hint = "topic '" + topic + "' does not exist on the cluster, which does not create topics on"
                            + " first use; create it (the events stay queued until it exists)";
                }
                case EXISTS ->
                    hint = check.detail() + ", but its metadata did not reach the producer in time;" + " retrying";
                case UNKNOWN ->
                    hint = "the cluster could not be asked about the topic (" + check.detail()
                            + "); brokers down or unreachable? retrying";
            }
        }
        int notDelivered = batch.size() - outcome.delivered.size() - outcome.refused.size();
        StringBuilder message = new StringBuilder()
                .append(notDelivered)
                .append(" of ")
                .append(batch.size())
                .append(" events not acknowledged by topic '")
                .append(topic)
                .append("' at ")
                .append(bootstrapServers)
                .append(" (")
                .append(outcome.delivered.size())
                .append(" acknowledged");
        if (!outcome.refused.isEmpty()) {
            message.append(", ").append(outcome.refused.size()).append(" refused as too large");
        }
        message.append("): ").append(reason);
        if (hint != null) {
            message.append(" — ").append(hint);
        }
        DeliveryException e =
                DeliveryException.retryable(secrets.mask(message.toString())).withErrorCode(errorCode);
        return outcome.delivered.isEmpty() && outcome.refused.isEmpty()
                ? e
                : e.withDelivered(outcome.delivered).withRefused(outcome.refused.keySet());
    }

    /** The failure of a send that failed before it reached the network, such as a metadata timeout; else null. */
    private static @Nullable Throwable failedAlready(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return null;
        }
        try {
            sent.get(0, TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Producer<byte[], byte[]> producer() throws DeliveryException {
        try {
            return holder.get();
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            // Kafka's messages about its configuration may quote values: only the masked description is kept
            throw DeliveryException.retryable(secrets.mask("the Kafka producer for topic '" + topic + "' at "
                            + bootstrapServers + " could not be created: " + KafkaFailures.describe(e)))
                    .withErrorCode(KafkaFailures.errorCode(e));
        }
    }

    /**
     * The record of one journaled event: the event in the sink's format as the value (the journal's line as it is by
     * default), the key and headers from the event.
     *
     * @throws IllegalArgumentException if the line does not decode and the format is not the journal's own
     */
    ProducerRecord<byte[], byte[]> toProducerRecord(AuditRecord record) {
        byte[] value = record.encoded(format);
        RecordHeaders headers = new RecordHeaders();
        AuditEvent event = decode(record);
        String recordKey = record.eventId();
        if (format != EventFormats.actionTrail()) {
            headers.add(HEADER_CONTENT_TYPE, utf8(format.contentType()));
        }
        if (event != null) {
            if (format.isBinary()) {
                format.headers(event, Binding.KAFKA).forEach((name, text) -> headers.add(name, utf8(text)));
            }
            headers.add(HEADER_EVENT_NAME, utf8(event.eventName()));
            EventType type = event.eventType();
            if (type != null) {
                headers.add(HEADER_EVENT_TYPE, utf8(type.wireName()));
            }
            UserIdentity identity = event.userIdentity();
            String tenant = identity == null ? null : identity.accountId();
            if (tenant != null) {
                headers.add(HEADER_TENANT, utf8(tenant));
            }
            String resourceType = event.resourceType();
            String resourceName = event.resourceName();
            if (key == RecordKey.RESOURCE && (resourceType != null || resourceName != null)) {
                recordKey = Objects.toString(resourceType, "") + "/" + Objects.toString(resourceName, "");
            }
        }
        return new ProducerRecord<>(topic, null, null, utf8(recordKey), value, headers);
    }

    /** The decoded event; {@code null} for a line that does not decode, which is still delivered as it is. */
    private static @Nullable AuditEvent decode(AuditRecord record) {
        try {
            return record.event();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "KafkaAuditSink{name=" + name() + ", bootstrapServers=" + bootstrapServers + ", topic=" + topic
                + ", key=" + key + (format == EventFormats.actionTrail() ? "" : ", format=" + format.name()) + '}';
    }

    private static long longOf(Map<String, Object> config, String key) {
        return Long.parseLong(String.valueOf(config.get(key)).strip());
    }

    private static final Pattern SEPARATOR = Pattern.compile("\\s*,\\s*");
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[[0-9A-Fa-f:.]+]|[^\\s:/,\\[\\]]+):(\\d{1,5})");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private static String checkBootstrapServers(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        String stripped = bootstrapServers.strip();
        if (stripped.isEmpty()) {
            throw new InvalidSettingException("bootstrapServers", "bootstrapServers must not be blank");
        }
        List<String> servers = new ArrayList<>();
        for (String server : SEPARATOR.split(stripped, -1)) {
            var m = HOST_PORT.matcher(server);
            int port = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            if (port < 1 || port > 65_535) {
                throw new InvalidSettingException(
                        "bootstrapServers",
                        "bootstrapServers must be host:port pairs separated by commas: '" + bootstrapServers + "'");
            }
            servers.add(server);
        }
        return String.join(",", servers);
    }

    private static String checkTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new InvalidSettingException(
                    "topic",
                    "topic must be 1 to 249 letters, digits, '.', '_' or '-', and not '.' or '..': '" + topic + "'");
        }
        return topic;
    }

    /** Holds the producer: creates it on first use, drops it after a failure that may break it. Thread-safe. */
    static final class ProducerHolder {
        private final Function<Map<String, Object>, Producer<byte[], byte[]>> factory;
        private final Map<String, Object> config;
        private final Duration closeTimeout;
        private @Nullable Producer<byte[], byte[]> producer;
        private boolean closed;

        ProducerHolder(
                Function<Map<String, Object>, Producer<byte[], byte[]>> factory,
                Map<String, Object> config,
                Duration closeTimeout) {
            this.factory = factory;
            this.config = config;
            this.closeTimeout = closeTimeout;
        }

        synchronized Producer<byte[], byte[]> get() {
            if (closed) {
                throw new IllegalStateException("the sink is closed");
            }
            Producer<byte[], byte[]> current = producer;
            if (current == null) {
                current = factory.apply(new HashMap<>(config));
                producer = current;
            }
            return current;
        }

        /** Closes the producer at once; the next write starts a new one. */
        synchronized void discard() {
            Producer<byte[], byte[]> current = producer;
            producer = null;
            if (current != null) {
                current.close(Duration.ZERO);
            }
        }

        /** Closes the producer, giving records in flight up to the close timeout. */
        synchronized void close() {
            closed = true;
            Producer<byte[], byte[]> current = producer;
            producer = null;
            if (current != null) {
                current.close(closeTimeout);
            }
        }
    }

    /** Builds a {@link KafkaAuditSink}. Not thread-safe. */
    public static final class Builder extends AbstractAuditSink.Builder<Builder> {

        /** Properties the sink sets itself, with what to use instead, or the only value it accepts. */
        private static final Map<String, String> OWN_PROPERTIES = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "give the servers to KafkaAuditSink.builder",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "keys are the sink's own bytes",
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "values are the events' JSON lines",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the sink does not use transactions",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "use deliveryTimeout(Duration)");

        private final String bootstrapServers;
        private final String topic;
        private RecordKey key = RecordKey.EVENT_ID;
        private EventFormat format = EventFormats.actionTrail();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private @Nullable String saslMechanism;
        private @Nullable String saslUsername;
        private @Nullable String saslPassword;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory = KafkaProducer::new;

        private Builder(String bootstrapServers, String topic) {
            super(DEFAULT_NAME, DEFAULT_BATCHING);
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        /** Sets what the records' keys are made of; {@link RecordKey#EVENT_ID} by default. */
        public Builder key(RecordKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Sets the format of the records' values; {@link EventFormats#actionTrail()}, the journal's line as it is, by
         * default. CloudEvents binary mode puts the context attributes into {@code ce_*} record headers.
         */
        public Builder format(EventFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Adds a producer property, such as {@code security.protocol}, {@code ssl.truststore.location},
         * {@code sasl.jaas.config}, {@code compression.type} or {@code linger.ms}; its value is checked now, and never
         * shown when it is a secret. The properties that make the sink's guarantees are its own: {@code acks} may only
         * be {@code all} (or {@code -1}) and {@code enable.idempotence} only {@code true}; {@code bootstrap.servers},
         * the serializers, {@code transactional.id} and {@code delivery.timeout.ms} are refused.
         *
         * @throws InvalidSettingException naming {@code properties}, if the sink sets the property itself or Kafka
         *     refuses its value
         */
        public Builder property(String name, String value) {
            Objects.requireNonNull(name, "property name");
            Objects.requireNonNull(value, "property value");
            String key = name.strip();
            if (key.isEmpty()) {
                throw new InvalidSettingException("properties", "property name must not be blank");
            }
            String own = OWN_PROPERTIES.get(key);
            if (own != null) {
                throw new InvalidSettingException("properties", "property '" + key + "' is the sink's own: " + own);
            }
            if (key.equals(ProducerConfig.ACKS_CONFIG)
                    && !value.strip().equals("all")
                    && !value.strip().equals("-1")) {
                throw new InvalidSettingException(
                        "properties",
                        "property 'acks' must be all (or -1): a batch is delivered only when every in-sync replica"
                                + " has it: '" + value + "'");
            }
            if (key.equals(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)
                    && !value.strip().toLowerCase(Locale.ROOT).equals("true")) {
                throw new InvalidSettingException(
                        "properties",
                        "property 'enable.idempotence' must be true: the producer's own retries must not duplicate"
                                + " records: '" + value + "'");
            }
            checkValue(key, value);
            properties.put(key, value);
            return this;
        }

        /** Adds each of {@code properties} as {@link #property(String, String)} does. */
        public Builder properties(Map<String, String> properties) {
            Objects.requireNonNull(properties, "properties");
            properties.forEach(this::property);
            return this;
        }

        /**
         * Authenticates with SASL: {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512} with a user name and
         * password, which sets {@code sasl.mechanism} and {@code sasl.jaas.config}; {@code security.protocol} becomes
         * {@code SASL_SSL} unless a property sets it ({@code SASL_PLAINTEXT} sends the password in clear on the
         * network, with {@code PLAIN}). For other mechanisms (OAUTHBEARER, GSSAPI), set the properties themselves.
         *
         * @throws InvalidSettingException naming {@code sasl}, if the mechanism is not one of these, or the user name or
         *     password is blank
         */
        public Builder sasl(String mechanism, String username, String password) {
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            String upper = mechanism.strip().toUpperCase(Locale.ROOT);
            if (!SASL_MECHANISMS.contains(upper)) {
                throw new InvalidSettingException(
                        "sasl",
                        "SASL mechanism must be one of "
                                + SASL_MECHANISMS.stream().sorted().toList() + ": '" + mechanism + "'");
            }
            if (username.isBlank()) {
                throw new InvalidSettingException("sasl", "SASL username must not be blank");
            }
            if (password.isEmpty()) {
                throw new InvalidSettingException("sasl", "SASL password must not be empty");
            }
            this.saslMechanism = upper;
            this.saslUsername = username;
            this.saslPassword = password;
            return this;
        }

        /**
         * Sets how long the producer may try to get a record acknowledged ({@code delivery.timeout.ms}) and, unless a
         * property says otherwise, how long it may wait for the topic's metadata ({@code max.block.ms}); 30 seconds
         * by default, at least 1 second.
         */
        public Builder deliveryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "deliveryTimeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new InvalidSettingException(
                        "deliveryTimeout", "deliveryTimeout must be between 1 second and about 24 days: " + timeout);
            }
            this.deliveryTimeout = timeout;
            return this;
        }

        /** Sets how long {@link KafkaAuditSink#close()} waits for records in flight; 5 seconds by default. */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "closeTimeout");
            if (timeout.isNegative()) {
                throw new InvalidSettingException("closeTimeout", "closeTimeout must not be negative: " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Replaces how the producer is created, for tests. */
        Builder producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
            this.producerFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Returns the sink; its producer is created on the first write.
         *
         * @throws ConflictingSettingsException if {@code sasl} and a {@code sasl.jaas.config} property are both set, or
         *     the delivery timeout is shorter than the request timeout and linger together (naming
         *     {@code deliveryTimeout}), or the properties do not make a valid idempotent producer (naming
         *     {@code properties})
         */
        public KafkaAuditSink build() {
            Map<String, String> given = new LinkedHashMap<>(properties);
            if (saslMechanism != null && saslUsername != null && saslPassword != null) {
                if (given.containsKey("sasl.jaas.config") || given.containsKey("sasl.mechanism")) {
                    throw new ConflictingSettingsException(
                            "sasl", "set SASL either with sasl(...) or with the sasl.* properties, not both");
                }
                given.put("sasl.mechanism", saslMechanism);
                given.put("sasl.jaas.config", jaasConfig(saslMechanism, saslUsername, saslPassword));
                given.putIfAbsent(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            }
            Secrets secrets = Secrets.of(given);
            Map<String, Object> config = new HashMap<>(given);
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(deliveryTimeout.toMillis()));
            config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(deliveryTimeout.toMillis()));
            // Kafka requires request.timeout.ms + linger.ms <= delivery.timeout.ms; half leaves room for one retry
            config.putIfAbsent(
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    Long.toString(Math.min(30_000, deliveryTimeout.toMillis() / 2)));
            config.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "actiontrail-" + name());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            check(config, secrets);
            ProducerHolder holder = new ProducerHolder(producerFactory, Map.copyOf(config), closeTimeout);
            return new KafkaAuditSink(this, Map.copyOf(config), secrets, holder);
        }

        /** The combinations Kafka would refuse when the producer is created, refused now instead. */
        private void check(Map<String, Object> config, Secrets secrets) {
            AbstractConfig parsed;
            try {
                parsed = new AbstractConfig(ProducerConfig.configDef(), config, false);
            } catch (KafkaException e) {
                throw new ConflictingSettingsException(
                        "properties", secrets.mask("the producer properties are not valid: " + e.getMessage()));
            }
            long linger = parsed.getLong(ProducerConfig.LINGER_MS_CONFIG);
            long request = parsed.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
            if (linger + request > deliveryTimeout.toMillis()) {
                throw new ConflictingSettingsException(
                        "deliveryTimeout",
                        "deliveryTimeout (" + deliveryTimeout.toMillis() + " ms) must be at least linger.ms (" + linger
                                + ") plus request.timeout.ms (" + request + ")");
            }
            if (parsed.getInt(ProducerConfig.RETRIES_CONFIG) < 1) {
                throw new ConflictingSettingsException(
                        "properties", "retries must be at least 1 for an idempotent producer");
            }
            if (parsed.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION) > 5) {
                throw new ConflictingSettingsException(
                        "properties",
                        "max.in.flight.requests.per.connection must be at most 5 for an idempotent producer");
            }
        }

        /** Checks one property's value against Kafka's definition of it, if Kafka knows the property. */
        private static void checkValue(String key, String value) {
            ConfigDef.ConfigKey known = ProducerConfig.configDef().configKeys().get(key);
            if (known == null) {
                return; // an interceptor's, a partitioner's or a config provider's own: Kafka passes it on
            }
            try {
                Object parsed = ConfigDef.parseType(key, value, known.type);
                if (known.validator != null) {
                    known.validator.ensureValid(key, parsed);
                }
            } catch (KafkaException e) {
                throw new InvalidSettingException(
                        "properties",
                        Secrets.isSecret(key)
                                ? "property '" + key + "' has an invalid value"
                                : "property '" + key + "': " + e.getMessage());
            }
        }

        private static String jaasConfig(String mechanism, String username, String password) {
            String module = mechanism.equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            return module + " required username=\"" + escape(username) + "\" password=\"" + escape(password) + "\";";
        }

        /** Quotes for the JAAS parser, which reads backslash escapes inside double quotes. */
        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }
}
