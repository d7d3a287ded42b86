package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;
import java.util.Objects;

/**
 * A {@link AuditSinkFactory} whose settings are one JavaBean-style class, bound with {@link SinkDefinition#bind}
 * before {@link #create(SinkDefinition, Object)} builds the sink from them. Subclasses must be thread-safe.
 *
 * @param <S> the settings class of the sink type
 */
public abstract class AbstractSinkFactory<S> implements AuditSinkFactory {

    private final String type;
    private final Class<S> settingsType;

    /** Creates a factory of sinks of {@code type}, binding their settings onto {@code settingsType}. */
    protected AbstractSinkFactory(String type, Class<S> settingsType) {
        this.type = Objects.requireNonNull(type, "type");
        this.settingsType = Objects.requireNonNull(settingsType, "settingsType");
    }

    @Override
    public final String type() {
        return type;
    }

    /**
     * Returns the class the settings of this type bind onto: its JavaBean properties are the type's settings, for
     * tools that document or check them.
     */
    public final Class<S> settingsType() {
        return settingsType;
    }

    @Override
    public final AuditSink create(SinkDefinition definition) {
        return create(definition, definition.bind(settingsType));
    }

    /**
     * Creates one sink from its bound settings.
     *
     * @throws RuntimeException when a setting is invalid, naming the property as {@link SinkDefinition#invalid} does
     */
    protected abstract AuditSink create(SinkDefinition definition, S settings);

    /**
     * Returns a sink that closes {@code release} after {@code sink}: for what a factory made for the sink, such as a
     * connection, that the sink borrows.
     */
    protected static AuditSink closingAfter(AuditSink sink, Runnable release) {
        return new OwningAuditSink(sink, release);
    }

    /**
     * Returns what of a configured URL a failure may show: without the user info, query and fragment, which may hold
     * credentials.
     */
    protected static String shownUrl(String url) {
        return ShownUrl.of(url);
    }
}
