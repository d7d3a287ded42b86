package io.actiontrail.spring.autoconfigure;

import io.actiontrail.ActionTrail;
import io.actiontrail.EventType;
import io.actiontrail.insights.Insights;
import io.actiontrail.integrity.CheckpointSigner;
import io.actiontrail.integrity.Integrity;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import io.actiontrail.spring.autoconfigure.sink.SinkDefinition;
import io.actiontrail.spring.autoconfigure.sink.SinkTypes;
import io.actiontrail.trail.EventSelector;
import io.actiontrail.trail.Trail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Maps {@link ActionTrailProperties}, sink factories and the user's sink, trail and customizer beans onto an
 * {@link ActionTrail.Builder}. A bad value fails with the property's name. Used once at start-up; not thread-safe.
 */
final class ActionTrailFactory {

    static final String DEFAULT_TRAIL = "main";

    private static final Logger log = LoggerFactory.getLogger(ActionTrailFactory.class);

    private final ActionTrailProperties properties;
    private final Binder binder;
    private final Map<String, AuditSinkFactory> factories = new LinkedHashMap<>();

    ActionTrailFactory(ActionTrailProperties properties, Binder binder, List<AuditSinkFactory> factories) {
        this.properties = properties;
        this.binder = binder;
        for (AuditSinkFactory factory : factories) {
            AuditSinkFactory previous = this.factories.putIfAbsent(factory.type(), factory);
            if (previous != null) {
                throw new IllegalStateException("two AuditSinkFactory beans create sinks of type '" + factory.type()
                        + "': " + previous.getClass().getName() + " and "
                        + factory.getClass().getName());
            }
        }
    }

    ActionTrail.Builder builder(
            String serviceName,
            Map<String, AuditSink> sinkBeans,
            List<Trail> trailBeans,
            @Nullable CheckpointSigner signerBean) {
        ActionTrail.Builder b = ActionTrail.builder();
        ActionTrailProperties p = properties;
        set("service-name", serviceName, b::serviceName);
        set("region", p.getRegion(), b::region);
        set("event-source", p.getEventSource(), b::eventSource);
        set("durability", p.getDurability(), b::durability);
        set("data-dir", p.getDataDir(), b::dataDir);
        set("retention", p.getRetention(), b::retention);
        set("max-disk-bytes", p.getMaxDiskBytes(), v -> b.maxDiskBytes(v.toBytes()));
        set("fsync-interval", p.getFsyncInterval(), b::fsyncInterval);
        set("segment-bytes", p.getSegmentBytes(), v -> b.segmentBytes(v.toBytes()));
        set("memory-capacity", p.getMemoryCapacity(), v -> b.memoryCapacity(v.toBytes()));
        set("max-event-bytes", p.getMaxEventBytes(), v -> b.maxEventBytes(toInt("max-event-bytes", v)));
        set("max-argument-depth", p.getMaxArgumentDepth(), b::maxArgumentDepth);
        set("max-string-length", p.getMaxStringLength(), b::maxStringLength);
        set("max-collection-elements", p.getMaxCollectionElements(), b::maxCollectionElements);
        set("shutdown-timeout", p.getShutdownTimeout(), b::shutdownTimeout);
        set("capture.redact-keys", p.getCapture().getRedactKeys(), b::redactKeys);
        set("query-index", p.getQueryIndex(), b::queryIndex);
        Integrity integrity = integrity(serviceName, signerBean);
        if (integrity != null) {
            b.integrity(integrity);
        }
        b.insights(insights());
        // the application context closes the instance (destroy method), in order with the other beans
        b.shutdownHook(false);

        for (Trail trail : trails(serviceName, sinkBeans, trailBeans)) {
            try {
                b.trail(trail);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.trails." + trail.name(), trail.name(), e.getMessage());
            }
        }
        return b;
    }

    private List<Trail> trails(String serviceName, Map<String, AuditSink> sinkBeans, List<Trail> trailBeans) {
        Map<String, ActionTrailProperties.SinkProperties> declared = properties.getSinks();
        // a sink with settings but no type binds to nothing at all: find it by its property names
        binder.bind("actiontrail.sinks", Bindable.mapOf(String.class, Object.class))
                .ifBound(all -> all.keySet().forEach(key -> {
                    String name = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
                    if (!declared.containsKey(name)) {
                        throw new InvalidConfigurationPropertyValueException(
                                "actiontrail.sinks." + name + ".type",
                                null,
                                "every sink needs a type; known types: " + new TreeSet<>(factories.keySet()));
                    }
                }));
        for (Map.Entry<String, ActionTrailProperties.SinkProperties> e : declared.entrySet()) {
            factory(e.getKey(), e.getValue()); // every declared sink is checked, used or not
            if (sinkBeans.containsKey(e.getKey())) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.sinks." + e.getKey(),
                        e.getKey(),
                        "an AuditSink bean has the same name; rename one of them");
            }
        }
        List<Trail> trails = new ArrayList<>();
        Set<String> usedBeans = new HashSet<>();
        Set<String> usedDeclared = new HashSet<>();
        properties.getTrails().forEach((name, t) -> {
            String prefix = "actiontrail.trails." + name;
            Trail.Builder trail;
            try {
                trail = Trail.builder(name);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(prefix, name, e.getMessage());
            }
            trail.selector(selector(prefix, t)).startLogging(t.isStartLogging());
            if (t.getSinks().isEmpty()) {
                throw new InvalidConfigurationPropertyValueException(
                        prefix + ".sinks", "", "a trail needs at least one sink; sinks: " + sinkNames(sinkBeans));
            }
            for (String sinkName : t.getSinks()) {
                if (declared.containsKey(sinkName)) {
                    trail.sink(sinkName, create(sinkName, declared.get(sinkName), serviceName));
                    usedDeclared.add(sinkName);
                } else if (sinkBeans.containsKey(sinkName)) {
                    if (!usedBeans.add(sinkName)) {
                        throw new InvalidConfigurationPropertyValueException(
                                prefix + ".sinks",
                                sinkName,
                                "the AuditSink bean '" + sinkName + "' is already used by another trail; a sink"
                                        + " instance is written by one trail only");
                    }
                    trail.sink(sinkName, sinkBeans.get(sinkName));
                } else {
                    throw new InvalidConfigurationPropertyValueException(
                            prefix + ".sinks", sinkName, "no such sink; sinks: " + sinkNames(sinkBeans));
                }
            }
            trails.add(trail.build());
        });
        trails.addAll(trailBeans);
        if (trails.isEmpty()) {
            Trail.Builder main = Trail.builder(DEFAULT_TRAIL);
            declared.forEach((name, sink) -> main.sink(name, create(name, sink, serviceName)));
            sinkBeans.forEach(main::sink);
            if (declared.isEmpty() && sinkBeans.isEmpty()) {
                main.sink("slf4j", Slf4jAuditSink.create());
            }
            trails.add(main.build());
        } else {
            for (String name : declared.keySet()) {
                if (!usedDeclared.contains(name)) {
                    log.warn("ActionTrail: sink '{}' (actiontrail.sinks.{}) is used by no trail", name, name);
                }
            }
        }
        return trails;
    }

    private static EventSelector selector(String prefix, ActionTrailProperties.TrailProperties t) {
        try {
            return EventSelector.builder()
                    .readWriteType(t.getEventRw())
                    .includeEventNames(t.getIncludeEvents().toArray(new String[0]))
                    .excludeEventNames(t.getExcludeEvents().toArray(new String[0]))
                    .eventTypes(t.getEventTypes().toArray(new EventType[0]))
                    .resourceTypes(t.getResourceTypes().toArray(new String[0]))
                    .build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidConfigurationPropertyValueException(prefix, null, String.valueOf(e.getMessage()));
        }
    }

    private AuditSink create(String name, ActionTrailProperties.SinkProperties sink, String serviceName) {
        AuditSinkFactory factory = factory(name, sink);
        return factory.create(SinkDefinition.of(name, factory.type(), binder, serviceName, properties.getRegion()));
    }

    private AuditSinkFactory factory(String name, ActionTrailProperties.SinkProperties sink) {
        String property = "actiontrail.sinks." + name + ".type";
        String type = sink.getType();
        if (type == null || type.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    property, type, "every sink needs a type; known types: " + new TreeSet<>(factories.keySet()));
        }
        AuditSinkFactory factory = factories.get(type);
        String module = SinkTypes.module(type);
        if (factory == null && module != null) {
            throw new InvalidConfigurationPropertyValueException(
                    property,
                    type,
                    "sink type '" + type + "' needs the dependency " + module + " on the classpath; known types: "
                            + new TreeSet<>(factories.keySet()));
        }
        if (factory == null) {
            throw new InvalidConfigurationPropertyValueException(
                    property,
                    type,
                    "unknown sink type; known types: " + new TreeSet<>(factories.keySet())
                            + " (add the sink module of this type to the classpath)");
        }
        return factory;
    }

    private Set<String> sinkNames(Map<String, AuditSink> sinkBeans) {
        Set<String> names = new TreeSet<>(properties.getSinks().keySet());
        names.addAll(sinkBeans.keySet());
        return names;
    }

    private static int toInt(String name, DataSize size) {
        long bytes = size.toBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidConfigurationPropertyValueException("actiontrail." + name, size, "too large");
        }
        return (int) bytes;
    }

    /** Insights from {@code actiontrail.insights.*}, each value checked by the core builder under its property's name. */
    private Insights insights() {
        ActionTrailProperties.Insights p = properties.getInsights();
        if (!p.isEnabled()) {
            return Insights.disabled();
        }
        Insights.Builder builder = Insights.builder();
        p.getTypes().forEach((type, on) -> builder.type(type, on));
        set("insights.deviations", p.getDeviations(), builder::deviations);
        set("insights.ratio", p.getRatio(), builder::ratio);
        set("insights.floor", p.getFloor(), builder::floor);
        set("insights.cold-start-floor", p.getColdStartFloor(), builder::coldStartFloor);
        set("insights.minutes", p.getMinutes(), builder::minutes);
        set("insights.learning-period", p.getLearningPeriod(), builder::learningPeriod);
        set("insights.access-key-silence", p.getAccessKeySilence(), builder::accessKeySilence);
        set("insights.max-keys", p.getMaxKeys(), builder::maxKeys);
        set("insights.password-patterns", p.getPasswordPatterns(), builder::passwordPatterns);
        set("insights.policy-patterns", p.getPolicyPatterns(), builder::policyPatterns);
        try {
            return builder.build();
        } catch (IllegalStateException e) {
            throw new InvalidConfigurationPropertyValueException(
                    "actiontrail.insights.cold-start-floor", p.getColdStartFloor(), String.valueOf(e.getMessage()));
        }
    }

    /** Tamper evidence from a signer bean or {@code actiontrail.integrity.key-file}; {@code null} when neither. */
    private @Nullable Integrity integrity(String serviceName, @Nullable CheckpointSigner signerBean) {
        ActionTrailProperties.Integrity p = properties.getIntegrity();
        Path keyFile = p.getKeyFile();
        if (signerBean == null && keyFile == null) {
            return null;
        }
        String origin = p.getOrigin() != null ? p.getOrigin() : serviceName + "/actiontrail";
        CheckpointSigner signer = signerBean;
        if (signer == null && keyFile != null) {
            String keyName = p.getKeyName() != null ? p.getKeyName() : origin;
            try {
                signer = CheckpointSigner.fromPkcs8(keyName, keyFile);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(
                        "actiontrail.integrity.key-file", keyFile, String.valueOf(e.getMessage()));
            }
        }
        Integrity.Builder builder = Integrity.builder().signer(Objects.requireNonNull(signer));
        set("integrity.origin", origin, builder::origin);
        set("integrity.checkpoint-interval", p.getCheckpointInterval(), builder::checkpointInterval);
        set("integrity.heartbeat-interval", p.getHeartbeatInterval(), builder::heartbeatInterval);
        try {
            return builder.build();
        } catch (IllegalStateException e) {
            throw new InvalidConfigurationPropertyValueException(
                    "actiontrail.integrity.heartbeat-interval",
                    p.getHeartbeatInterval(),
                    String.valueOf(e.getMessage()));
        }
    }

    private static <T> void set(String name, @Nullable T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException("actiontrail." + name, value, e.getMessage());
        }
    }
}
