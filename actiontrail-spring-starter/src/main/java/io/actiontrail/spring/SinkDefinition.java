package io.actiontrail.spring;

import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * A sink declared in properties, {@code actiontrail.sinks.<name>.*}, as handed to its {@link AuditSinkFactory}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SinkDefinition {

    /** Shown instead of a secret wherever a sink factory would print a value. */
    static final String MASKED = "******";

    private final String name;
    private final String type;
    private final Binder binder;
    private final String serviceName;
    private final @Nullable String region;

    SinkDefinition(String name, String type, Binder binder, String serviceName, @Nullable String region) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.region = region;
    }

    /** Returns the sink's name, the key under {@code actiontrail.sinks}. */
    public String name() {
        return name;
    }

    /** Returns the sink's type. */
    public String type() {
        return type;
    }

    /**
     * Returns the ActionTrail's service name ({@code actiontrail.service-name}, else {@code spring.application.name},
     * else {@code application}), for sinks that name their output after it.
     */
    public String serviceName() {
        return serviceName;
    }

    /** Returns the ActionTrail's region ({@code actiontrail.region}); {@code null} when it is not set. */
    public @Nullable String region() {
        return region;
    }

    /** Returns the prefix of the sink's properties, for example {@code actiontrail.sinks.audit-log}. */
    public String prefix() {
        return "actiontrail.sinks." + name;
    }

    /**
     * Binds the sink's properties onto a new instance of a JavaBean-style settings class, with relaxed names
     * ({@code logger-name} binds {@code setLoggerName}); properties left unset keep the class's defaults.
     *
     * @throws org.springframework.boot.context.properties.bind.BindException if a value cannot be converted; the
     *     message names the property
     */
    public <T> T bind(Class<T> settingsType) {
        return binder.bindOrCreate(prefix(), Bindable.of(settingsType));
    }

    /**
     * Returns the exception to throw for an invalid setting: Spring Boot reports it at start-up naming the property
     * {@code prefix() + "." + key}.
     */
    public RuntimeException invalid(String key, @Nullable Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(prefix() + "." + key, value, reason);
    }

    /**
     * Passes a bound setting, when it is set, to a builder's setter; an {@link IllegalArgumentException} from the
     * setter becomes the {@link #invalid} failure for {@code key}. A setting left unset keeps the builder's default.
     */
    public <T> void apply(String key, @Nullable T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw invalid(key, value, String.valueOf(e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "SinkDefinition{" + name + ", type=" + type + '}';
    }
}
