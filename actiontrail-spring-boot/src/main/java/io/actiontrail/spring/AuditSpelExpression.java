package io.actiontrail.spring;

import io.actiontrail.capture.Invocation;
import io.actiontrail.capture.ResourceExpression;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.ConstructorResolver;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.MethodResolver;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeConverter;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectiveConstructorResolver;
import org.springframework.expression.spel.support.ReflectiveMethodResolver;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.expression.spel.support.StandardTypeConverter;
import org.springframework.expression.spel.support.StandardTypeLocator;

/**
 * One {@code @Audited} expression: a literal when it does not start with {@code #}, else Spring Expression Language
 * over the call: parameters by name ({@code #order.id}) or position ({@code #p0}, {@code #a0}, {@code #args[0]}), the
 * return value ({@code #result.id}) and {@code #root} ({@code methodName}, {@code method}, {@code args},
 * {@code target}, {@code targetClass}). Parsed and checked once; evaluation never throws: a failure or a
 * {@code null} on the way yields no value. Immutable and thread-safe.
 *
 * <p>Per call only a small evaluation context is created: the reflective accessors and resolvers, whose caches make
 * property access cheap, are shared, and variables are read straight from the call's arguments. Expressions are
 * compiled to bytecode once they have run a while ({@link SpelCompilerMode#MIXED}), and fall back to interpretation
 * when the compiled form fails, for instance on a {@code null} on the way or another runtime type.
 */
final class AuditSpelExpression implements ResourceExpression {

    // the defaults of a StandardEvaluationContext, made once: each evaluation context would otherwise build its own,
    // and a new ReflectivePropertyAccessor starts with empty caches, so every call looked the getters up again
    private static final List<PropertyAccessor> PROPERTY_ACCESSORS = List.of(new ReflectivePropertyAccessor());
    private static final List<MethodResolver> METHOD_RESOLVERS = List.of(new ReflectiveMethodResolver());
    private static final List<ConstructorResolver> CONSTRUCTOR_RESOLVERS = List.of(new ReflectiveConstructorResolver());
    private static final TypeConverter TYPE_CONVERTER = new StandardTypeConverter();

    private final String source;
    private final @Nullable String literal;
    private final @Nullable Expression expression;
    private final boolean usesResult;
    /** The argument index of each name an expression may use for a parameter: its name, p0, a0, ... */
    private final Map<String, Integer> arguments;

    private final @Nullable TypeLocator types;

    private AuditSpelExpression(
            String source,
            @Nullable String literal,
            @Nullable Expression expression,
            boolean usesResult,
            Map<String, Integer> arguments,
            @Nullable TypeLocator types) {
        this.source = source;
        this.literal = literal;
        this.expression = expression;
        this.usesResult = usesResult;
        this.arguments = arguments;
        this.types = types;
    }

    /**
     * Parses an expression of {@code method}; {@code null} for an empty one.
     *
     * @throws IllegalArgumentException if the expression is malformed, names no parameter of the method, or uses
     *     {@code #result} on a method returning void
     */
    static @Nullable AuditSpelExpression parse(String source, Method method, String attribute) {
        if (source.isEmpty()) {
            return null;
        }
        if (!source.startsWith("#")) {
            return new AuditSpelExpression(source, source, null, false, Map.of(), null);
        }
        ClassLoader loader = method.getDeclaringClass().getClassLoader();
        Expression expression;
        try {
            expression = new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.MIXED, loader))
                    .parseExpression(source);
        } catch (ParseException e) {
            throw invalid(method, attribute, source, e.getSimpleMessage());
        }
        Set<String> variables = new HashSet<>();
        if (expression instanceof SpelExpression spel) {
            collectVariables(spel.getAST(), variables);
        }
        Map<String, Integer> arguments = new HashMap<>();
        String[] names = AuditedMethods.PARAMETER_NAMES.getParameterNames(method);
        for (int i = 0; i < method.getParameterCount(); i++) {
            if (names != null) {
                arguments.put(names[i], i);
            }
            arguments.put("p" + i, i);
            arguments.put("a" + i, i);
        }
        Set<String> known = new HashSet<>(Set.of("root", "this", "args", "result"));
        known.addAll(arguments.keySet());
        for (String variable : variables) {
            if (!known.contains(variable)) {
                throw invalid(
                        method,
                        attribute,
                        source,
                        "#" + variable + " is no parameter of the method (compile with -parameters to use names)");
            }
        }
        boolean usesResult = variables.contains("result");
        if (usesResult && method.getReturnType() == void.class) {
            throw invalid(method, attribute, source, "#result is used but the method returns void");
        }
        return new AuditSpelExpression(
                source, null, expression, usesResult, Map.copyOf(arguments), new StandardTypeLocator(loader));
    }

    private static void collectVariables(SpelNode node, Set<String> out) {
        if (node instanceof VariableReference) {
            String text = node.toStringAST(); // "#name"
            out.add(text.startsWith("#") ? text.substring(1) : text);
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            collectVariables(node.getChild(i), out);
        }
    }

    private static IllegalArgumentException invalid(Method method, String attribute, String source, String why) {
        return new IllegalArgumentException("@Audited(" + attribute + " = \"" + source + "\") on "
                + method.getDeclaringClass().getName() + "." + method.getName() + " is invalid: " + why);
    }

    @Override
    public boolean usesResult() {
        return usesResult;
    }

    @Override
    public @Nullable String evaluate(Invocation call) {
        if (literal != null) {
            return literal;
        }
        if (expression == null) {
            return null;
        }
        try {
            @Nullable Object[] args = call.arguments();
            Object value = expression.getValue(
                    new CallContext(this, new Root(call.method(), args, call.target()), args, call.result()));
            return value == null ? null : String.valueOf(value);
        } catch (EvaluationException | IllegalStateException e) {
            return null; // a null on the way, as in #result.id with a null result
        }
    }

    @Override
    public String toString() {
        return source;
    }

    /**
     * The context of one evaluation: the shared accessors and resolvers, and the call's variables read from its
     * arguments rather than copied into a map. {@code #args} and {@code #result} come before a parameter of the same
     * name. Not thread-safe; used by one evaluation.
     */
    private static final class CallContext extends StandardEvaluationContext {
        private final Map<String, Integer> arguments;
        private final @Nullable Object[] args;
        private final @Nullable Object result;

        CallContext(AuditSpelExpression expression, Root root, @Nullable Object[] args, @Nullable Object result) {
            super(root);
            this.arguments = expression.arguments;
            this.args = args;
            this.result = result;
            setPropertyAccessors(PROPERTY_ACCESSORS);
            setMethodResolvers(METHOD_RESOLVERS);
            setConstructorResolvers(CONSTRUCTOR_RESOLVERS);
            setTypeConverter(TYPE_CONVERTER);
            if (expression.types != null) {
                setTypeLocator(expression.types);
            }
        }

        @Override
        public @Nullable Object lookupVariable(String name) {
            return switch (name) {
                case "args" -> args;
                case "result" -> result;
                default -> argument(name);
            };
        }

        private @Nullable Object argument(String name) {
            Integer index = arguments.get(name);
            if (index == null) {
                return super.lookupVariable(name);
            }
            return index < args.length ? args[index] : null;
        }
    }

    /** The {@code #root} object of an expression. Immutable; the arguments are the caller's. */
    static final class Root {
        private final Method method;
        private final @Nullable Object[] args;
        private final @Nullable Object target;

        Root(Method method, @Nullable Object[] args, @Nullable Object target) {
            this.method = method;
            this.args = args;
            this.target = target;
        }

        public String getMethodName() {
            return method.getName();
        }

        public Method getMethod() {
            return method;
        }

        @SuppressWarnings("ArrayReturn") // the expression language indexes it directly
        public @Nullable Object[] getArgs() {
            return args;
        }

        public @Nullable Object getTarget() {
            return target;
        }

        public @Nullable Class<?> getTargetClass() {
            return target == null ? null : target.getClass();
        }
    }
}
