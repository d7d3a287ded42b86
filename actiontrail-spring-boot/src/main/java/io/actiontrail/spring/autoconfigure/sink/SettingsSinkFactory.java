package io.actiontrail.spring.autoconfigure.sink;

import io.actiontrail.sink.AuditSink;
import java.util.Objects;

/** Creates the sinks of one type by binding its {@link SinkSettings} class. Immutable and thread-safe. */
final class SettingsSinkFactory implements AuditSinkFactory {

    private final String type;
    private final Class<? extends SinkSettings> settingsType;

    SettingsSinkFactory(String type, Class<? extends SinkSettings> settingsType) {
        this.type = Objects.requireNonNull(type, "type");
        this.settingsType = Objects.requireNonNull(settingsType, "settingsType");
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Class<? extends SinkSettings> settingsType() {
        return settingsType;
    }

    @Override
    public AuditSink create(SinkDefinition definition) {
        return definition.bind(settingsType).create(definition);
    }

    @Override
    public String toString() {
        return "SettingsSinkFactory{" + type + ", " + settingsType.getName() + '}';
    }
}
