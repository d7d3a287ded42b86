package io.actiontrail.format;

/**
 * The transport whose header conventions a binary-mode format follows: the CloudEvents protocol bindings name their
 * headers and encode their values differently for Kafka records and HTTP requests.
 *
 * <p>Immutable and thread-safe.
 */
public enum Binding {
    /** Kafka record headers: {@code ce_} prefix, values as UTF-8 bytes, as they are. */
    KAFKA,
    /** HTTP request headers: {@code ce-} prefix, values percent-encoded outside printable ASCII. */
    HTTP
}
