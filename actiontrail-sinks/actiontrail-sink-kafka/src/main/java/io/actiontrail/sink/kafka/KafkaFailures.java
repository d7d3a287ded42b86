package io.actiontrail.sink.kafka;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * How the sink reads the producer's failures: which ones refuse a record for its content, which ones leave the
 * producer unusable, the error code shown in the trail's status, and what an operator can do. Stateless.
 *
 * <p>Only a record too large for the topic or the producer is refused for good: it would be refused on every attempt,
 * so it is dropped, counted and reported. Every other failure keeps the events in the journal and is retried: brokers
 * down, timeouts and too few in-sync replicas pass by themselves, and wrong credentials, missing ACLs and a missing
 * topic are fixed by an operator while the backlog waits, which the SPI asks for ("misconfigured in a way an operator
 * can fix" is retryable) and which every other sink of this project does for its own credentials and permissions.
 */
final class KafkaFailures {

    private KafkaFailures() {}

    /**
     * Whether the broker or the producer refuses this record for its size, or the sink cannot encode it in its format,
     * and always will.
     */
    static boolean refusesRecord(Throwable failure) {
        return failure instanceof RecordTooLargeException || failure instanceof UnencodableRecordException;
    }

    /** A journal line that does not decode, so that the sink cannot write it in a format other than the journal's. */
    static final class UnencodableRecordException extends KafkaException {
        private static final long serialVersionUID = 1L;

        UnencodableRecordException(String message) {
            super(message);
        }
    }

    /**
     * Whether the producer may be unusable after this failure, so that the next write should start a new one: every
     * failure that Kafka does not call retriable (authentication, authorization, an idempotence error, a closed or
     * fenced producer), except a refused record, which says nothing about the producer.
     */
    static boolean breaksProducer(Throwable failure) {
        return !(failure instanceof RetriableException) && !refusesRecord(failure);
    }

    /** Whether the producer gave up waiting for the topic's metadata: a missing topic, or no broker answering. */
    static boolean isMetadataTimeout(Throwable failure) {
        String message = failure.getMessage();
        return failure instanceof TimeoutException && message != null && message.contains("not present in metadata");
    }

    /**
     * The code shown as the trail's {@code latestDeliveryErrorCode}: Kafka's error name, such as
     * {@code SASL_AUTHENTICATION_FAILED} or {@code NOT_ENOUGH_REPLICAS}, else the exception's simple name.
     */
    static String errorCode(Throwable failure) {
        Errors error = Errors.forException(failure);
        return error == Errors.UNKNOWN_SERVER_ERROR ? failure.getClass().getSimpleName() : error.name();
    }

    /** Says what an operator can do about a failure; {@code null} when nothing specific. */
    static @Nullable String hint(Throwable failure, String topic) {
        if (failure instanceof AuthenticationException) {
            return "check the SASL mechanism, user name and password (or the TLS client certificate); the events stay"
                    + " queued until the credentials are fixed";
        }
        if (failure instanceof TopicAuthorizationException) {
            return "grant the client's principal WRITE on topic '" + topic + "'; the events stay queued until it is";
        }
        if (failure instanceof ClusterAuthorizationException) {
            return "grant the client's principal IDEMPOTENT_WRITE on the cluster (brokers before 2.8 need it);"
                    + " the events stay queued until it is";
        }
        if (failure instanceof NotEnoughReplicasException || failure instanceof NotEnoughReplicasAfterAppendException) {
            return "fewer replicas are in sync than the topic's min.insync.replicas; retrying until enough are back";
        }
        if (failure instanceof TimeoutException) {
            return "no acknowledgement in time: brokers down or unreachable, or the partition has no leader; retrying";
        }
        return null;
    }

    /** The exception's simple name and message, on one line. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        return message == null || message.isBlank()
                ? name
                : name + ": " + message.strip().replaceAll("\\s+", " ");
    }
}
