package io.actiontrail.capture;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A resource expression of {@code @Audited} in core's language ({@link ExpressionLanguage#standard()}): a literal, or
 * a property path over the call such as {@code #order.id}, {@code #args[0].id}, {@code #p0},
 * {@code #result.items[0].sku}. Parsed and checked once per method; evaluation never throws. Immutable and
 * thread-safe.
 */
final class StandardExpression implements ResourceExpression {

    /** Core's language: {@code #name} resolves against the names the plan records the arguments under. */
    static final ExpressionLanguage LANGUAGE = new ExpressionLanguage() {
        @Override
        public @Nullable ResourceExpression parse(String source, Method method, String attribute) {
            return StandardExpression.parse(source, method, attribute);
        }

        @Override
        public @Nullable ResourceExpression parse(
                String source, Method method, List<String> parameterNames, String attribute) {
            return StandardExpression.parse(source, method, parameterNames, attribute);
        }

        @Override
        public String toString() {
            return "ExpressionLanguage.standard()";
        }
    };

    // Per class, not in a static map of classes: an application's classes stay collectable when it is redeployed
    // while core stays loaded (a container's shared library).
    private static final ClassValue<Map<String, Accessor>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, Accessor> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private final String source;
    private final @Nullable String literal;
    private final int argIndex; // -1 for #result
    private final List<Object> path; // String property names and Integer indexes

    private StandardExpression(String source, @Nullable String literal, int argIndex, List<Object> path) {
        this.source = source;
        this.literal = literal;
        this.argIndex = argIndex;
        this.path = path;
    }

    /**
     * Parses the {@code attribute} expression of {@code method}, whose parameters are known by their names in the
     * class file; returns {@code null} for an empty one.
     *
     * @throws IllegalArgumentException if the expression is malformed or names no parameter of the method
     */
    static @Nullable StandardExpression parse(String source, Method method, String attribute) {
        return parse(source, method, classFileNames(method), attribute);
    }

    /**
     * Parses the {@code attribute} expression of {@code method}, whose parameters are known as {@code parameterNames};
     * returns {@code null} for an empty one.
     *
     * @throws IllegalArgumentException if the expression is malformed or names no parameter of the method
     */
    static @Nullable StandardExpression parse(
            String source, Method method, List<String> parameterNames, String attribute) {
        if (source.isEmpty()) {
            return null;
        }
        if (!source.startsWith("#")) {
            return new StandardExpression(source, source, 0, List.of());
        }
        int i = 1;
        int start = i;
        while (i < source.length() && Character.isJavaIdentifierPart(source.charAt(i))) {
            i++;
        }
        String root = source.substring(start, i);
        if (root.isEmpty()) {
            throw invalid(source, method, attribute, "expected a name after '#'");
        }
        List<Object> path = new ArrayList<>();
        int argIndex;
        if (root.equals("result")) {
            if (method.getReturnType() == void.class) {
                throw invalid(source, method, attribute, "#result is used but the method returns void");
            }
            argIndex = -1;
        } else if (root.equals("args")) {
            if (i >= source.length() || source.charAt(i) != '[') {
                throw invalid(source, method, attribute, "#args must be indexed, as in #args[0]");
            }
            int close = source.indexOf(']', i);
            argIndex = index(source, method, attribute, i, close);
            i = close + 1;
        } else if (root.matches("[pa]\\d+")) {
            argIndex = Integer.parseInt(root.substring(1));
        } else {
            argIndex = parameterIndex(root, parameterNames, method, attribute, source);
        }
        if (argIndex >= method.getParameterCount()) {
            throw invalid(
                    source, method, attribute, "the method has only " + method.getParameterCount() + " parameters");
        }
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '.') {
                int s = ++i;
                while (i < source.length() && Character.isJavaIdentifierPart(source.charAt(i))) {
                    i++;
                }
                if (s == i) {
                    throw invalid(source, method, attribute, "expected a property name after '.'");
                }
                path.add(source.substring(s, i));
            } else if (c == '[') {
                int close = source.indexOf(']', i);
                path.add(index(source, method, attribute, i, close));
                i = close + 1;
            } else {
                throw invalid(source, method, attribute, "unexpected '" + c + "' at position " + i);
            }
        }
        return new StandardExpression(source, null, argIndex, List.copyOf(path));
    }

    private static int index(String source, Method method, String attribute, int open, int close) {
        if (close < 0) {
            throw invalid(source, method, attribute, "missing ']'");
        }
        try {
            int index = Integer.parseInt(source.substring(open + 1, close).trim());
            if (index < 0) {
                throw invalid(source, method, attribute, "negative index");
            }
            return index;
        } catch (NumberFormatException e) {
            throw invalid(source, method, attribute, "index must be a number");
        }
    }

    private static List<String> classFileNames(Method method) {
        return Arrays.stream(method.getParameters()).map(Parameter::getName).toList();
    }

    private static int parameterIndex(
            String name, List<String> parameterNames, Method method, String attribute, String source) {
        int index = parameterNames.indexOf(name);
        if (index >= 0) {
            return index;
        }
        Parameter[] parameters = method.getParameters();
        // the hint about -parameters only helps when the names are the class file's placeholders (arg0, arg1, ...)
        boolean namesKnown = parameters.length == 0
                || parameters[0].isNamePresent()
                || !parameterNames.equals(classFileNames(method));
        throw invalid(
                source,
                method,
                attribute,
                "no parameter named '" + name + "'"
                        + (namesKnown
                                ? ""
                                : "; parameter names are not in the class file: compile with -parameters or use"
                                        + " #args[N]"));
    }

    private static IllegalArgumentException invalid(String source, Method method, String attribute, String why) {
        return new IllegalArgumentException("invalid @Audited " + attribute + " expression '" + source + "' on "
                + method.getDeclaringClass().getName() + "." + method.getName() + ": " + why);
    }

    @Override
    public boolean usesResult() {
        return literal == null && argIndex < 0;
    }

    @Override
    public @Nullable String evaluate(Invocation invocation) {
        if (literal != null) {
            return literal;
        }
        @Nullable Object[] args = invocation.arguments();
        Object value = argIndex < 0 ? invocation.result() : argIndex < args.length ? args[argIndex] : null;
        try {
            for (Object step : path) {
                if (value == null) {
                    return null;
                }
                value = step instanceof Integer index ? element(value, index) : property(value, (String) step);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause =
                    e.getCause() != null && e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            return "<" + source + " failed: " + cause.getClass().getSimpleName() + ">";
        }
        if (value == null) {
            return null;
        }
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            return "<" + source + " failed: " + e.getClass().getSimpleName() + ">";
        }
    }

    private static @Nullable Object element(Object value, int index) {
        if (value instanceof List<?> list) {
            return index < list.size() ? list.get(index) : null;
        }
        if (value.getClass().isArray()) {
            return index < Array.getLength(value) ? Array.get(value, index) : null;
        }
        throw new IllegalArgumentException("not indexable: " + value.getClass().getName());
    }

    private static @Nullable Object property(Object value, String name) throws ReflectiveOperationException {
        if (value instanceof Map<?, ?> map) {
            return map.get(name);
        }
        Accessor accessor =
                ACCESSORS.get(value.getClass()).computeIfAbsent(name, n -> Accessor.find(value.getClass(), n));
        return accessor.read(value);
    }

    @Override
    public String toString() {
        return source;
    }

    /** Reads one named property: a record component or no-arg method, a getter, or a public field. */
    private record Accessor(
            @Nullable Method method, @Nullable Field field, String name) {
        static Accessor find(Class<?> type, String name) {
            String cap = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            for (String candidate : new String[] {name, "get" + cap, "is" + cap}) {
                try {
                    Method m = type.getMethod(candidate);
                    if (m.getReturnType() != void.class && !Modifier.isStatic(m.getModifiers())) {
                        trySetAccessible(m);
                        return new Accessor(m, null, name);
                    }
                } catch (NoSuchMethodException e) {
                    // try the next form
                }
            }
            try {
                Field f = type.getField(name);
                trySetAccessible(f);
                return new Accessor(null, f, name);
            } catch (NoSuchFieldException e) {
                return new Accessor(null, null, name);
            }
        }

        private static void trySetAccessible(java.lang.reflect.AccessibleObject member) {
            try {
                member.setAccessible(true);
            } catch (RuntimeException e) {
                // public members of exported types still work without it
            }
        }

        @Nullable
        Object read(Object target) throws ReflectiveOperationException {
            if (method != null) {
                return method.invoke(target);
            }
            if (field != null) {
                return field.get(target);
            }
            throw new NoSuchFieldException(name);
        }
    }
}
