package io.actiontrail.sink.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.jspecify.annotations.Nullable;

/**
 * The secret values of a sink's client configuration (passwords, JAAS configurations, private keys) and their removal
 * from any text the sink shows: failure messages, status, {@code toString}. Kafka's own logging hides them already;
 * this keeps the sink's messages, which quote Kafka's exceptions, just as clean. Immutable and thread-safe.
 */
final class Secrets {

    /** Shown instead of a secret value. */
    static final String MASK = "******";

    /** A quoted or bare option value in a JAAS configuration, such as {@code password="…"}. */
    private static final Pattern JAAS_OPTION = Pattern.compile(
            "(?i)([a-z_.]*(?:password|secret|token)[a-z_.]*)\\s*=\\s*" + "(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s;\"]+))");

    /** Fragments of property names that hold secrets whatever Kafka's type for them says. */
    private static final List<String> SECRET_NAME_PARTS =
            List.of("password", "secret", "jaas", "token", "credential", "keystore.key", "private");

    /** The longest first, so that a secret containing another is masked whole. */
    private final List<String> values;

    private Secrets(List<String> values) {
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.values = List.copyOf(sorted);
    }

    /** Returns the secrets among a client configuration's values. */
    static Secrets of(Map<String, String> properties) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            if (!isSecret(property.getKey())) {
                continue;
            }
            String value = property.getValue();
            add(found, value);
            Matcher option = JAAS_OPTION.matcher(value);
            while (option.find()) {
                String quoted = option.group(2);
                add(found, quoted != null ? quoted : option.group(3));
                if (quoted != null) {
                    add(found, unescape(quoted));
                }
            }
        }
        return new Secrets(found);
    }

    private static void add(List<String> found, @Nullable String value) {
        // a one- or two-character "secret" would mask ordinary text everywhere; such a value protects nothing anyway
        if (value != null && value.strip().length() > 2 && !found.contains(value)) {
            found.add(value);
        }
    }

    private static String unescape(String quoted) {
        StringBuilder b = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length()) {
                c = quoted.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * Whether a client property holds a secret: Kafka declares it a password ({@code sasl.jaas.config},
     * {@code ssl.keystore.password}, …), or its name says so.
     */
    static boolean isSecret(String key) {
        ConfigDef.ConfigKey known = ProducerConfig.configDef().configKeys().get(key);
        if (known != null && known.type == ConfigDef.Type.PASSWORD) {
            return true;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        for (String part : SECRET_NAME_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** Returns {@code text} with every secret value replaced by {@value #MASK}. */
    String mask(String text) {
        String masked = text;
        for (String value : values) {
            masked = masked.replace(value, MASK);
        }
        return masked;
    }
}
