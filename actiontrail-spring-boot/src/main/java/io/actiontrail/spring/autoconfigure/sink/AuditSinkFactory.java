package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;
import org.jspecify.annotations.Nullable;

/**
 * Creates the sinks of one type declared in properties ({@code actiontrail.sinks.<name>.type=<type>}). Every factory
 * bean adds a type: the starter registers one for each sink module on the classpath
 * ({@link ActionTrailSinksAutoConfiguration}); an application adds its own types with beans of this interface.
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

    /**
     * Returns the class whose writable JavaBean properties are this type's settings, for tools that document or check
     * them; {@code null} when the factory does not say.
     */
    default @Nullable Class<?> settingsType() {
        return null;
    }
}
