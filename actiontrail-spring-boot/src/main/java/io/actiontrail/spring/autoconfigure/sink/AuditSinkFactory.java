package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;

/**
 * Creates the sinks of one type declared in properties ({@code actiontrail.sinks.<name>.type=<type>}). Every factory
 * bean adds a type; a sink module's auto-configuration contributes its factory guarded by
 * {@code @ConditionalOnClass}, so a type is known exactly when its module is on the classpath.
 *
 * <p>Implementations must be thread-safe; {@link #create} is called at start-up, once for each trail that uses the
 * sink, and every call must return a new sink.
 */
public interface AuditSinkFactory {

    /** Returns the type this factory creates, as written in {@code actiontrail.sinks.<name>.type}. */
    String type();

    /**
     * Creates one sink from its definition, binding the type's settings with {@link SinkDefinition#bind(Class)}.
     *
     * @throws RuntimeException when the settings are invalid; name the property in the message, as
     *     {@link SinkDefinition#invalid(String, Object, String)} does
     */
    AuditSink create(SinkDefinition definition);
}
