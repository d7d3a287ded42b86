package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;

/**
 * The settings of one sink type as a JavaBean that {@link SinkDefinition#bind} fills from
 * {@code actiontrail.sinks.<name>.*}, and that creates the sink from them. Its writable properties are exactly the
 * type's settings: a key that is none of them fails the start-up.
 *
 * <p>Bound once, then only read; implementations need not be thread-safe.
 */
public interface SinkSettings {

    /**
     * Creates the sink these settings describe.
     *
     * @throws RuntimeException when a setting is invalid, naming the property as {@link SinkDefinition#invalid} does
     */
    AuditSink create(SinkDefinition definition);
}
