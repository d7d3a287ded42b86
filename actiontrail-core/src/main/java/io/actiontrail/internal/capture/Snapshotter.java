package io.actiontrail.internal.capture;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.actiontrail.AuditIgnore;
import io.actiontrail.Sensitive;
import io.actiontrail.capture.CallRecorder;
import io.actiontrail.internal.Failures;
import io.actiontrail.internal.InternalApi;
import io.actiontrail.internal.codec.JsonTree;
import io.actiontrail.internal.codec.Redaction;
import java.io.File;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns arbitrary argument and result objects into immutable JSON trees, safely. Nothing thrown by the objects
 * escapes: a cycle, a getter or {@code toString()} that throws, a stream, a huge collection, binary data or a deep
 * graph each become a visible placeholder string, so the event says what was left out. Secrets are redacted by key
 * and by {@link Sensitive}; {@link AuditIgnore} leaves a property out.
 *
 * <p>Bean properties are discovered with Jackson's introspection, so {@code @JsonIgnore} and {@code @JsonProperty}
 * are honoured; values are read one property at a time, so one failing getter costs only its own value.
 *
 * <p>Thread-safe; immutable but for a bounded cache of which keys are secret.
 *
 * <p>Over 500 lines on purpose: every kind of value it meets (maps, collections, arrays, beans, records, the JDK's
 * value types and the unsafe ones) and the limits that bound them form one set of rules, read in one place.
 */
@InternalApi
public final class Snapshotter {

    static final String REDACTED = CallRecorder.REDACTED;
    static final String CYCLE = "<cycle>";
    static final String DEPTH_LIMIT = "<depth limit>";
    static final String NODE_LIMIT = "<size limit>";

    public static final int DEFAULT_MAX_DEPTH = 12;
    /** The deepest configurable limit; the codec reads events nested well beyond it. */
    public static final int MAX_DEPTH_LIMIT = 64;

    public static final int DEFAULT_MAX_STRING_LENGTH = 8192;
    public static final int DEFAULT_MAX_ELEMENTS = 256;
    public static final int DEFAULT_MAX_NODES = 10_000;

    private static final Snapshotter DEFAULTS = new Snapshotter(
            Redaction.defaults(),
            DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_STRING_LENGTH,
            DEFAULT_MAX_ELEMENTS,
            DEFAULT_MAX_NODES);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.CAN_OVERRIDE_ACCESS_MODIFIERS)
            .build();

    private static final ClassValue<List<Property>> PROPERTIES = new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
            return introspect(type);
        }
    };

    private final Redaction redaction;
    private final int maxDepth;
    private final int maxStringLength;
    private final int maxElements;
    private final int maxNodes;

    public Snapshotter(Redaction redaction, int maxDepth, int maxStringLength, int maxElements, int maxNodes) {
        this.redaction = redaction;
        this.maxDepth = maxDepth;
        this.maxStringLength = maxStringLength;
        this.maxElements = maxElements;
        this.maxNodes = maxNodes;
    }

    public static Snapshotter defaults() {
        return DEFAULTS;
    }

    public Redaction redaction() {
        return redaction;
    }

    /** Snapshots one value. */
    @Nullable
    public Object snapshot(@Nullable Object value) {
        return new Walk().value(value, 0);
    }

    /** Snapshots a value that belongs under {@code name}; redacted when the name looks like a secret. */
    @Nullable
    public Object snapshotNamed(String name, @Nullable Object value) {
        return redaction.isSecretKey(name) ? REDACTED : snapshot(value);
    }

    /** Snapshots every entry of {@code values} into {@code out}, redacting by key. */
    public void snapshotEntries(Map<String, ? extends @Nullable Object> values, Map<String, @Nullable Object> out) {
        Walk walk = new Walk();
        for (Map.Entry<String, ? extends @Nullable Object> e : values.entrySet()) {
            String key = String.valueOf(e.getKey());
            out.put(key, redaction.isSecretKey(key) ? REDACTED : walk.value(e.getValue(), 1));
        }
    }

    /** Walks a frozen JSON tree and redacts every value under a secret-looking key; returns the same tree if none. */
    public Map<String, @Nullable Object> redactTree(Map<String, @Nullable Object> tree) {
        if (JsonTree.isRedactedBy(tree, redaction)) {
            return tree; // a snapshot taken with these keys: nothing to find
        }
        Object result = redactValue(tree);
        if (!(result instanceof Map<?, ?>)) {
            throw new IllegalStateException("redacting an object returned " + result);
        }
        @SuppressWarnings("unchecked")
        Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) result;
        return map;
    }

    private @Nullable Object redactValue(@Nullable Object value) {
        if (value instanceof Map<?, ?> map) {
            LinkedHashMap<String, @Nullable Object> copy = null;
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                Object v = e.getValue();
                Object replaced = redaction.isSecretKey(key) && !REDACTED.equals(v) ? REDACTED : redactValue(v);
                if (replaced != v && copy == null) {
                    copy = new LinkedHashMap<>();
                    int j = 0;
                    for (Map.Entry<?, ?> before : map.entrySet()) {
                        if (j++ == i) {
                            break;
                        }
                        copy.put((String) before.getKey(), before.getValue());
                    }
                }
                if (copy != null) {
                    copy.put(key, replaced);
                }
                i++;
            }
            return copy == null ? value : JsonTree.adoptRedacted(copy, redaction);
        }
        if (value instanceof List<?> list) {
            ArrayList<@Nullable Object> copy = null;
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                Object replaced = redactValue(v);
                if (replaced != v && copy == null) {
                    copy = new ArrayList<>(list.subList(0, i));
                }
                if (copy != null) {
                    copy.add(replaced);
                }
            }
            return copy == null ? value : JsonTree.adoptArray(copy);
        }
        return value;
    }

    /**
     * One traversal: tracks the objects on the current path (for cycles) and the number of values produced. The path
     * is at most {@code maxDepth} containers long, so it is a small array searched by identity: no identity hash is
     * computed (that writes the hash into every argument's header) and nothing is allocated for a call whose
     * arguments hold no container.
     */
    private final class Walk {
        private Object @Nullable [] path;
        private int onPath;
        private int nodes;

        @Nullable
        Object value(@Nullable Object value, int depth) {
            if (value == null) {
                return null;
            }
            if (++nodes > maxNodes) {
                return NODE_LIMIT;
            }
            if (value instanceof String s) {
                return truncate(s);
            }
            if (value instanceof Boolean) {
                return value;
            }
            if (value instanceof Number n) {
                return number(n);
            }
            if (value instanceof Enum<?> e) {
                return e.name();
            }
            if (value instanceof CharSequence || value instanceof Character) {
                return truncate(safeToString(value));
            }
            if (isScalarLike(value)) {
                return scalar(value);
            }
            if (value instanceof Optional<?> optional) {
                return value(optional.orElse(null), depth);
            }
            if (value instanceof byte[] bytes) {
                return "<binary: " + bytes.length + " bytes>";
            }
            if (value instanceof ByteBuffer buffer) {
                return "<binary: " + buffer.remaining() + " bytes>";
            }
            if (value instanceof char[] chars) {
                return "<char[" + chars.length + "]>";
            }
            if (value instanceof Throwable t) {
                return truncate(Failures.codeOf(t) + ": " + Failures.messageOf(t));
            }
            if (depth >= maxDepth) {
                return DEPTH_LIMIT;
            }
            Object[] p = path;
            if (p == null) {
                p = new Object[Math.max(4, Math.min(maxDepth, 16))];
                path = p;
            }
            for (int i = 0; i < onPath; i++) {
                if (p[i] == value) {
                    return CYCLE;
                }
            }
            if (onPath == p.length) {
                p = java.util.Arrays.copyOf(p, p.length * 2);
                path = p;
            }
            p[onPath++] = value;
            try {
                return container(value, depth);
            } finally {
                java.util.Objects.requireNonNull(path)[--onPath] = null; // the array a deeper call may have grown
            }
        }

        private @Nullable Object container(Object value, int depth) {
            if (value instanceof Map<?, ?> map) {
                return map(map, depth);
            }
            if (value instanceof Collection<?> collection) {
                return collection(collection, depth);
            }
            if (value.getClass().isArray()) {
                return array(value, depth);
            }
            if (value instanceof JsonNode node) {
                return jsonNode(node, depth);
            }
            if (isOpaque(value)) {
                return "<" + value.getClass().getName() + ">";
            }
            return bean(value, depth);
        }

        private Object map(Map<?, ?> map, int depth) {
            LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
            int count = 0;
            int size = safeSize(map);
            try {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (count == maxElements || nodes > maxNodes) {
                        out.put("…", "<" + Math.max(0, size - count) + " more entries>");
                        break;
                    }
                    String key = truncate(keyOf(e.getKey()));
                    out.put(key, redaction.isSecretKey(key) ? REDACTED : value(e.getValue(), depth + 1));
                    count++;
                }
            } catch (RuntimeException e) {
                out.put("…", "<iteration failed: " + e.getClass().getSimpleName() + ">");
            }
            return JsonTree.adoptRedacted(out, redaction);
        }

        private Object collection(Collection<?> collection, int depth) {
            ArrayList<@Nullable Object> out = new ArrayList<>(Math.min(safeSize(collection), maxElements + 1));
            int count = 0;
            int size = safeSize(collection);
            try {
                for (Object element : collection) {
                    if (count == maxElements || nodes > maxNodes) {
                        out.add("<" + Math.max(0, size - count) + " more elements>");
                        break;
                    }
                    out.add(value(element, depth + 1));
                    count++;
                }
            } catch (RuntimeException e) {
                out.add("<iteration failed: " + e.getClass().getSimpleName() + ">");
            }
            return JsonTree.adoptArray(out);
        }

        private Object array(Object array, int depth) {
            int length = Array.getLength(array);
            int shown = Math.min(length, maxElements);
            ArrayList<@Nullable Object> out = new ArrayList<>(shown + 1);
            for (int i = 0; i < shown && nodes <= maxNodes; i++) {
                out.add(value(Array.get(array, i), depth + 1));
            }
            if (out.size() < length) {
                out.add("<" + (length - out.size()) + " more elements>");
            }
            return JsonTree.adoptArray(out);
        }

        private @Nullable Object jsonNode(JsonNode node, int depth) {
            if (node.isObject()) {
                LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    if (out.size() == maxElements) {
                        out.put("…", "<" + (node.size() - maxElements) + " more entries>");
                        break;
                    }
                    out.put(
                            e.getKey(),
                            redaction.isSecretKey(e.getKey()) ? REDACTED : jsonNode(e.getValue(), depth + 1));
                }
                return JsonTree.adoptRedacted(out, redaction);
            }
            if (node.isArray()) {
                ArrayList<@Nullable Object> out = new ArrayList<>();
                for (JsonNode element : node) {
                    if (out.size() == maxElements) {
                        out.add("<" + (node.size() - maxElements) + " more elements>");
                        break;
                    }
                    out.add(jsonNode(element, depth + 1));
                }
                return JsonTree.adoptArray(out);
            }
            if (node.isNull() || node.isMissingNode()) {
                return null;
            }
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isIntegralNumber()) {
                return node.canConvertToLong() ? (Object) node.longValue() : node.asText();
            }
            if (node.isFloatingPointNumber()) {
                return node.isBigDecimal() ? node.decimalValue().toPlainString() : (Object) node.doubleValue();
            }
            if (node.isBinary()) {
                return "<binary>";
            }
            return truncate(node.asText());
        }

        private Object bean(Object bean, int depth) {
            List<Property> properties = PROPERTIES.get(bean.getClass());
            if (properties.isEmpty()) {
                return describeLeaf(bean);
            }
            LinkedHashMap<String, @Nullable Object> out = new LinkedHashMap<>();
            for (Property property : properties) {
                if (nodes > maxNodes) {
                    out.put("…", NODE_LIMIT);
                    break;
                }
                if (property.sensitive || redaction.isSecretKey(property.name)) {
                    out.put(property.name, REDACTED);
                    continue;
                }
                Object raw;
                try {
                    raw = property.read(bean);
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    out.put(property.name, "<error: " + cause.getClass().getSimpleName() + ">");
                    continue;
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    out.put(property.name, "<unreadable: " + e.getClass().getSimpleName() + ">");
                    continue;
                }
                out.put(property.name, value(raw, depth + 1));
            }
            return JsonTree.adoptRedacted(out, redaction);
        }
    }

    private String truncate(String s) {
        if (s.length() <= maxStringLength) {
            return s;
        }
        return s.substring(0, maxStringLength) + "…<+" + (s.length() - maxStringLength) + " chars>";
    }

    private static Object number(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return n.longValue();
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? (Object) d : String.valueOf(d);
        }
        if (n instanceof AtomicInteger || n instanceof AtomicLong) {
            return n.longValue();
        }
        if (n instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
        }
        if (n instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return safeToString(n);
    }

    private static boolean isScalarLike(Object value) {
        return value instanceof TemporalAccessor
                || value instanceof TemporalAmount
                || value instanceof Date
                || value instanceof Calendar
                || value instanceof UUID
                || value instanceof URI
                || value instanceof URL
                || value instanceof Path
                || value instanceof File
                || value instanceof Locale
                || value instanceof Currency
                || value instanceof InetAddress
                || value instanceof Pattern
                || value instanceof ZoneId
                || value instanceof TimeZone
                || value instanceof Class<?>;
    }

    private String scalar(Object value) {
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof Calendar calendar) {
            return calendar.toInstant().toString();
        }
        if (value instanceof InetAddress address) {
            return address.getHostAddress();
        }
        if (value instanceof TimeZone zone) {
            return zone.getID();
        }
        if (value instanceof Class<?> type) {
            return type.getName();
        }
        return truncate(safeToString(value));
    }

    /** Types whose state must not be read: I/O handles, threads, iterators, lazy sequences, functions. */
    private static boolean isOpaque(Object value) {
        if (value instanceof AutoCloseable
                || value instanceof Thread
                || value instanceof ClassLoader
                || value instanceof Iterator<?>
                || value instanceof Iterable<?>
                || value instanceof java.util.concurrent.Future<?>
                || value instanceof java.util.concurrent.Executor
                || value instanceof java.util.concurrent.locks.Lock) {
            return true;
        }
        Class<?> type = value.getClass();
        if (type.isSynthetic() || type.isAnonymousClass() || type.getName().contains("$$Lambda")) {
            return true;
        }
        String name = type.getName();
        return name.startsWith("java.")
                || name.startsWith("javax.")
                || name.startsWith("jakarta.")
                || name.startsWith("jdk.")
                || name.startsWith("sun.")
                || name.startsWith("com.sun.")
                || name.startsWith("org.springframework.");
    }

    private String describeLeaf(Object value) {
        Class<?> type = value.getClass();
        try {
            if (type.getMethod("toString").getDeclaringClass() == Object.class) {
                return "<" + type.getName() + ">";
            }
        } catch (NoSuchMethodException e) {
            return "<" + type.getName() + ">";
        }
        return truncate(safeToString(value));
    }

    private static String safeToString(Object value) {
        try {
            return String.valueOf(value.toString());
        } catch (RuntimeException | LinkageError e) {
            return "<toString() threw " + e.getClass().getSimpleName() + ">";
        } catch (StackOverflowError e) {
            return "<toString() overflowed the stack>";
        }
    }

    private static String keyOf(@Nullable Object key) {
        if (key == null) {
            return "null";
        }
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Enum<?> e) {
            return e.name();
        }
        return safeToString(key);
    }

    private static int safeSize(Object container) {
        try {
            return container instanceof Map<?, ?> m ? m.size() : ((Collection<?>) container).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static List<Property> introspect(Class<?> type) {
        try {
            SerializationConfig config = MAPPER.getSerializationConfig();
            BeanDescription description = config.introspect(MAPPER.constructType(type));
            List<Property> out = new ArrayList<>();
            for (BeanPropertyDefinition definition : description.findProperties()) {
                AnnotatedMember accessor = definition.getAccessor();
                if (accessor == null || !definition.couldSerialize()) {
                    continue;
                }
                Member member = accessor.getMember();
                String name = definition.getName();
                AccessibleObject reflective = (AccessibleObject) member;
                boolean ignore = hasAnnotation(type, name, reflective, AuditIgnore.class);
                if (ignore) {
                    continue;
                }
                boolean sensitive = hasAnnotation(type, name, reflective, Sensitive.class);
                out.add(new Property(name, reflective, sensitive));
            }
            return List.copyOf(out);
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }

    private static boolean hasAnnotation(
            Class<?> type, String name, AccessibleObject accessor, Class<? extends java.lang.annotation.Annotation> a) {
        if (accessor.isAnnotationPresent(a)) {
            return true;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getName().equals(name) && field.isAnnotationPresent(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One readable property of a bean; made accessible lazily, once. */
    private static final class Property {
        final String name;
        final AccessibleObject member;
        final boolean sensitive;
        private volatile boolean accessible;

        Property(String name, AccessibleObject member, boolean sensitive) {
            this.name = name;
            this.member = member;
            this.sensitive = sensitive;
        }

        @Nullable
        Object read(Object bean) throws ReflectiveOperationException {
            if (!accessible) {
                member.setAccessible(true);
                accessible = true;
            }
            if (member instanceof Method method) {
                return method.invoke(bean);
            }
            return ((Field) member).get(bean);
        }
    }
}
