package io.actiontrail.spring.autoconfigure.sink;

import java.beans.PropertyDescriptor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
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
    public static final String MASKED = "******";

    private final String name;
    private final String type;
    private final Binder binder;
    private final String serviceName;
    private final @Nullable String region;

    private SinkDefinition(String name, String type, Binder binder, String serviceName, @Nullable String region) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.region = region;
    }

    /**
     * Returns the definition of the sink {@code name} of {@code type}, whose settings {@code binder} binds from
     * {@code actiontrail.sinks.<name>.*}; for the ActionTrail of {@code serviceName} in {@code region}.
     */
    public static SinkDefinition of(
            String name, String type, Binder binder, String serviceName, @Nullable String region) {
        return new SinkDefinition(name, type, binder, serviceName, region);
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
     * ({@code logger-name} binds {@code setLoggerName}); properties left unset keep the class's defaults. Every
     * property under {@link #prefix()} must be one of the class's, or {@code type} or {@code query-store}: a misspelt
     * key fails, naming itself and the nearest valid one, instead of being ignored.
     *
     * @throws org.springframework.boot.context.properties.bind.BindException if a value cannot be converted; the
     *     message names the property
     * @throws InvalidConfigurationPropertyValueException if a property is not a setting of this sink type
     */
    public <T> T bind(Class<T> settingsType) {
        T settings = binder.bindOrCreate(prefix(), Bindable.of(settingsType));
        Set<String> known = new TreeSet<>(List.of("type", "query-store"));
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(settingsType)) {
            if (property.getWriteMethod() != null) {
                known.add(dashed(property.getName()));
            }
        }
        Map<String, Object> given = binder.bind(prefix(), Bindable.mapOf(String.class, Object.class))
                .orElseGet(Map::of);
        for (String key : given.keySet()) {
            String setting = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            if (!knows(known, setting)) {
                String nearest = nearest(known, setting);
                // the value may be a secret under a misspelt name: never shown
                throw invalid(
                        setting,
                        MASKED,
                        "is not a setting of " + type + " sinks"
                                + (nearest == null ? "." : "; did you mean " + nearest + "?")
                                + " Its settings: " + known);
            }
        }
        return settings;
    }

    private static boolean knows(Set<String> known, String key) {
        String wanted = uniform(key);
        for (String name : known) {
            if (uniform(name).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The known name closest to {@code key} by edit distance, when it is close enough to be a misspelling. */
    private static @Nullable String nearest(Set<String> known, String key) {
        String wanted = uniform(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : known) {
            int d = distance(uniform(name), wanted);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, wanted.length() / 3) ? best : null;
    }

    /** Lower case without separators: how relaxed binding compares names. */
    private static String uniform(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }

    /** {@code maxBatchEvents} → {@code max-batch-events}. */
    private static String dashed(String javaName) {
        StringBuilder b = new StringBuilder(javaName.length() + 4);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * Returns the exception to throw for an invalid setting: Spring Boot reports it at start-up naming the property
     * {@code prefix() + "." + key}.
     */
    public RuntimeException invalid(String key, @Nullable Object value, String reason) {
        return new InvalidConfigurationPropertyValueException(prefix() + "." + key, value, reason);
    }

    /**
     * Returns a required setting, or fails naming it: {@code "a <type> sink needs <what>"} when it is unset or blank.
     */
    public String required(String key, @Nullable String value, String what) {
        if (value == null || value.isBlank()) {
            throw invalid(key, value, article(type) + " " + type + " sink needs " + what);
        }
        return value;
    }

    /** "an" before a vowel sound: a name starting with a vowel, or one read letter by letter ({@code sls}, {@code s3}). */
    private static String article(String word) {
        return word.matches("([aeio].*|[fhlmnrsx][^aeiou]*)") ? "an" : "a";
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

    /**
     * Whether a property key, in any of Spring's spellings ({@code actiontrail.sinks.a.secret-access-key},
     * {@code secretAccessKey}, {@code ACTIONTRAIL_SINKS_A_SECRETACCESSKEY}), is a sink's secret: a secret access key,
     * a secret (such as an {@code access-key-secret}), a {@code security-token}, a password, an API key, a JAAS
     * configuration (Kafka's {@code properties.sasl.jaas.config}, which holds a password), or any value
     * under a sink's {@code headers}, which carry the receiver's credentials.
     */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        String k = lower.replaceAll("[^a-z0-9]", "");
        if (!k.startsWith("actiontrailsinks")) {
            return false;
        }
        if (k.endsWith("secret")
                || k.endsWith("secretaccesskey")
                || k.endsWith("securitytoken")
                || k.endsWith("password")
                || k.endsWith("apikey")
                || k.endsWith("jaasconfig")) {
            return true;
        }
        // actiontrail, sinks, the sink's name, then a headers segment with a header name after it
        List<String> segments = List.of(lower.replace("-", "").split("[._\\[\\]]+"));
        return segments.size() > 4 && segments.subList(3, segments.size() - 1).contains("headers");
    }

    @Override
    public String toString() {
        return "SinkDefinition{" + name + ", type=" + type + '}';
    }
}
