package io.actiontrail.capture;

import io.actiontrail.AuditIgnore;
import io.actiontrail.Audited;
import io.actiontrail.EventCategory;
import io.actiontrail.EventRW;
import io.actiontrail.EventType;
import io.actiontrail.Sensitive;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to record for each call of one {@link Audited} method, prepared once: the event's name, read/write type,
 * event type and category, the parsed resource expressions, whether arguments and result are captured, and which
 * parameters are left out ({@link AuditIgnore}) or recorded as {@link CallRecorder#REDACTED} ({@link Sensitive}).
 * Immutable and thread-safe.
 *
 * <p>{@link #of(Method, Audited)} reads everything from the method as core's proxy does; an integration with better
 * knowledge (parameter names from its own discoverer, annotations found on interface methods, its own expression
 * language) gives it through the {@link #builder(Method, Audited) builder}.
 */
public final class AuditedMethod {

    private final Method method;
    private final String eventName;
    private final EventRW eventRW;
    private final @Nullable EventType eventType;
    private final EventCategory eventCategory;
    private final @Nullable ResourceExpression resourceType;
    private final @Nullable ResourceExpression resourceName;
    private final boolean captureArgs;
    private final boolean captureResult;
    private final List<String> parameterNames;
    private final boolean[] ignored;
    private final boolean[] sensitive;

    private AuditedMethod(Builder b) {
        Audited audited = b.audited;
        this.method = b.method;
        this.eventName = audited.eventName().isBlank() ? b.defaultEventName : audited.eventName();
        this.eventRW = audited.eventRW();
        this.eventType = audited.eventType().length == 0 ? null : audited.eventType()[0];
        this.eventCategory = audited.eventCategory();
        this.resourceType = b.expressions.parse(audited.resourceType(), method, b.parameterNames, "resourceType");
        this.resourceName = b.expressions.parse(audited.resourceName(), method, b.parameterNames, "resourceName");
        this.captureArgs = audited.captureArgs();
        this.captureResult = audited.captureResult() && method.getReturnType() != void.class;
        this.parameterNames = b.parameterNames;
        this.ignored = b.ignored.clone();
        this.sensitive = b.sensitive.clone();
    }

    /**
     * Returns the plan of {@code method} annotated with {@code audited}, read from the method alone: the default event
     * name {@code SimpleClassName.method}, parameter names from the class file, parameter annotations of this method,
     * core's expression language.
     *
     * @throws IllegalArgumentException if the annotation is invalid for the method (more than one event type, an
     *     expression that does not parse or names no parameter); the message names the method
     */
    public static AuditedMethod of(Method method, Audited audited) {
        return builder(method, audited).build();
    }

    /** Returns a builder of the plan of {@code method} annotated with {@code audited}, with the defaults of {@link #of}. */
    public static Builder builder(Method method, Audited audited) {
        return new Builder(method, audited);
    }

    /** The method the plan was built for. */
    public Method method() {
        return method;
    }

    /** The event name: {@link Audited#eventName()}, else the default name. */
    public String eventName() {
        return eventName;
    }

    /** {@link Audited#eventRW()}. */
    public EventRW eventRW() {
        return eventRW;
    }

    /** {@link Audited#eventType()}, {@code null} when not given (the context's, else {@code ApiCall}, applies). */
    public @Nullable EventType eventType() {
        return eventType;
    }

    /** {@link Audited#eventCategory()}. */
    public EventCategory eventCategory() {
        return eventCategory;
    }

    /** The parsed {@link Audited#resourceType()}; {@code null} when there is none. */
    public @Nullable ResourceExpression resourceType() {
        return resourceType;
    }

    /** The parsed {@link Audited#resourceName()}; {@code null} when there is none. */
    public @Nullable ResourceExpression resourceName() {
        return resourceName;
    }

    /** Whether the arguments become the event's {@code requestParameters}. */
    public boolean captureArgs() {
        return captureArgs;
    }

    /** Whether the return value becomes the event's {@code responseElements}; never for a void method. */
    public boolean captureResult() {
        return captureResult;
    }

    /** The parameter names, in order, under which captured arguments are recorded. */
    public List<String> parameterNames() {
        return parameterNames;
    }

    /** Whether the argument at {@code index} is left out of the event. */
    public boolean isIgnored(int index) {
        return index >= 0 && index < ignored.length && ignored[index];
    }

    /** Whether the argument at {@code index} is recorded as {@link CallRecorder#REDACTED}. */
    public boolean isSensitive(int index) {
        return index >= 0 && index < sensitive.length && sensitive[index];
    }

    @Override
    public String toString() {
        return "AuditedMethod{" + eventName + ", " + method.getDeclaringClass().getName() + "." + method.getName()
                + '}';
    }

    /** Builds an {@link AuditedMethod}. Not thread-safe. */
    public static final class Builder {

        private final Method method;
        private final Audited audited;
        private String defaultEventName;
        private List<String> parameterNames;
        private final boolean[] ignored;
        private final boolean[] sensitive;
        private ExpressionLanguage expressions = ExpressionLanguage.standard();

        private Builder(Method method, Audited audited) {
            this.method = Objects.requireNonNull(method, "method");
            this.audited = Objects.requireNonNull(audited, "audited");
            this.defaultEventName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
            Parameter[] parameters = method.getParameters();
            this.parameterNames =
                    Arrays.stream(parameters).map(Parameter::getName).toList();
            this.ignored = new boolean[parameters.length];
            this.sensitive = new boolean[parameters.length];
            parameterAnnotations(method.getParameterAnnotations());
        }

        /** The event name when {@link Audited#eventName()} is empty; defaults to {@code SimpleClassName.method}. */
        public Builder defaultEventName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("defaultEventName must not be blank");
            }
            this.defaultEventName = name;
            return this;
        }

        /**
         * The names captured arguments are recorded under, one per parameter, and that the expression language
         * resolves {@code #name} against; defaults to the names in the class file ({@code arg0}, {@code arg1}, ...
         * without {@code -parameters}).
         *
         * @throws IllegalArgumentException if there is not one name per parameter
         */
        public Builder parameterNames(List<String> names) {
            List<String> copy = List.copyOf(names);
            if (copy.size() != ignored.length) {
                throw new IllegalArgumentException(
                        "the method has " + ignored.length + " parameters, not " + copy.size() + ": " + method);
            }
            this.parameterNames = copy;
            return this;
        }

        /**
         * Adds parameter annotations found elsewhere, such as on the interface method this one implements, one array
         * per parameter: {@link AuditIgnore} and {@link Sensitive} among them apply as if declared here. The method's
         * own are always read.
         */
        public Builder parameterAnnotations(Annotation[][] annotations) {
            for (int i = 0; i < annotations.length && i < ignored.length; i++) {
                for (Annotation a : annotations[i]) {
                    if (a.annotationType() == AuditIgnore.class) {
                        ignored[i] = true;
                    } else if (a.annotationType() == Sensitive.class) {
                        sensitive[i] = true;
                    }
                }
            }
            return this;
        }

        /** The language of the resource expressions; defaults to {@link ExpressionLanguage#standard()}. */
        public Builder expressions(ExpressionLanguage expressions) {
            this.expressions = Objects.requireNonNull(expressions, "expressions");
            return this;
        }

        /**
         * Builds the plan, parsing the expressions.
         *
         * @throws IllegalArgumentException if the annotation is invalid for the method; the message names the method
         */
        public AuditedMethod build() {
            if (audited.eventType().length > 1) {
                throw new IllegalArgumentException(
                        "@Audited on " + method.getDeclaringClass().getName() + "." + method.getName()
                                + " gives more than one eventType");
            }
            return new AuditedMethod(this);
        }
    }
}
