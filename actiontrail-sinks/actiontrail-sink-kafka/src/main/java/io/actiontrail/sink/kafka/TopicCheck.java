package io.actiontrail.sink.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Finds out why the producer saw no metadata for the topic, which it reports only as a timeout: the topic does not
 * exist (and the brokers do not create topics on first use), or no broker answers at all. It asks the cluster once,
 * with an {@link Admin} client of the sink's own connection settings, only after such a failure. Immutable and
 * thread-safe.
 */
final class TopicCheck {

    /** What the cluster said about the topic. */
    enum Verdict {
        /** The cluster answered that the topic does not exist. */
        MISSING,
        /** The cluster answered and the topic exists. */
        EXISTS,
        /** The cluster did not answer in time, or refused the question. */
        UNKNOWN
    }

    /** The verdict and, when the topic exists, its partition count; else what went wrong. */
    record Result(Verdict verdict, String detail) {}

    private final Map<String, Object> adminConfig;
    private final String topic;
    private final Duration timeout;

    /**
     * Creates the check.
     *
     * @param clientConfig the producer's configuration; what an admin client does not know is left out
     * @param topic the topic to ask about
     * @param timeout how long the whole check may take
     */
    TopicCheck(Map<String, Object> clientConfig, String topic, Duration timeout) {
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> config = new HashMap<>();
        for (Map.Entry<String, Object> entry : clientConfig.entrySet()) {
            if (known.contains(entry.getKey())) {
                config.put(entry.getKey(), entry.getValue());
            }
        }
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        Object clientId = clientConfig.get(AdminClientConfig.CLIENT_ID_CONFIG);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, (clientId == null ? "actiontrail" : clientId) + "-topic-check");
        this.adminConfig = Map.copyOf(config);
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Asks the cluster about the topic; never throws, and returns within about the timeout. */
    Result run() {
        Admin admin;
        try {
            admin = Admin.create(adminConfig);
        } catch (KafkaException e) {
            return new Result(Verdict.UNKNOWN, "the check could not start: " + KafkaFailures.describe(e));
        }
        try {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                    .get(topic);
            int partitions = description == null ? 0 : description.partitions().size();
            return new Result(Verdict.EXISTS, "the topic exists with " + partitions + " partitions");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                return new Result(Verdict.MISSING, KafkaFailures.describe(cause));
            }
            return new Result(Verdict.UNKNOWN, KafkaFailures.describe(cause));
        } catch (java.util.concurrent.TimeoutException e) {
            return new Result(Verdict.UNKNOWN, "no broker answered within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Verdict.UNKNOWN, "interrupted");
        } finally {
            admin.close(Duration.ZERO);
        }
    }
}
