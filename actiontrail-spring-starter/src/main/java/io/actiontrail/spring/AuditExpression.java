package io.actiontrail.spring;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * One {@code @Audited} expression: a literal when it does not start with {@code #}, else Spring Expression Language
 * over the call: parameters by name ({@code #order.id}) or position ({@code #p0}, {@code #a0}, {@code #args[0]}), the
 * return value ({@code #result.id}) and {@code #root} ({@code methodName}, {@code method}, {@code args},
 * {@code target}, {@code targetClass}). Parsed and checked once; evaluation never throws: a failure or a
 * {@code null} on the way yields no value. Immutable and thread-safe.
 */
final class AuditExpression {

    static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();
    private static final SpelExpressionParser PARSER = new SpelExpressionParser();

    private final String source;
    private final @Nullable String literal;
    private final @Nullable Expression expression;
    private final boolean usesResult;

    private AuditExpression(
            String source, @Nullable String literal, @Nullable Expression expression, boolean usesResult) {
        this.source = source;
        this.literal = literal;
        this.expression = expression;
        this.usesResult = usesResult;
    }

    /**
     * Parses an expression of {@code method}; {@code null} for an empty one.
     *
     * @throws IllegalArgumentException if the expression is malformed, names no parameter of the method, or uses
     *     {@code #result} on a method returning void
     */
    static @Nullable AuditExpression parse(String source, Method method, String attribute) {
        if (source.isEmpty()) {
            return null;
        }
        if (!source.startsWith("#")) {
            return new AuditExpression(source, source, null, false);
        }
        Expression expression;
        try {
            expression = PARSER.parseExpression(source);
        } catch (ParseException e) {
            throw invalid(method, attribute, source, e.getSimpleMessage());
        }
        Set<String> variables = new HashSet<>();
        if (expression instanceof SpelExpression spel) {
            collectVariables(spel.getAST(), variables);
        }
        Set<String> known = new HashSet<>(Set.of("root", "this", "args", "result"));
        String[] names = PARAMETER_NAMES.getParameterNames(method);
        for (int i = 0; i < method.getParameterCount(); i++) {
            known.add("p" + i);
            known.add("a" + i);
            if (names != null) {
                known.add(names[i]);
            }
        }
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
        return new AuditExpression(source, null, expression, usesResult);
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

    /** Returns whether the expression reads the return value, which an exception leaves absent. */
    boolean usesResult() {
        return usesResult;
    }

    /** Evaluates the expression; never throws. */
    @Nullable
    String evaluate(Method method, @Nullable Object[] args, @Nullable Object target, @Nullable Object result) {
        if (literal != null) {
            return literal;
        }
        if (expression == null) {
            return null;
        }
        try {
            Root root = new Root(method, args, target);
            MethodBasedEvaluationContext context =
                    new MethodBasedEvaluationContext(root, method, args, PARAMETER_NAMES);
            context.setVariable("args", args);
            context.setVariable("result", result);
            Object value = expression.getValue(context);
            return value == null ? null : String.valueOf(value);
        } catch (EvaluationException | IllegalStateException e) {
            return null; // a null on the way, as in #result.id with a null result
        }
    }

    @Override
    public String toString() {
        return source;
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
