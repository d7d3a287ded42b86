package io.actiontrail;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose every call is recorded as an audit event. In plain Java it takes effect on interface methods
 * called through {@link ActionTrail#proxy(Class, Object)}; the Spring starter applies it to bean methods.
 *
 * <p>Expressions ({@link #resourceName()}, {@link #resourceType()}) are property paths over the call:
 * {@code #order.id} (a parameter by name; compile with {@code -parameters}), {@code #args[0].id} or {@code #p0}
 * (by position), {@code #result.id} (the return value). Text without a leading {@code #} is taken literally. A
 * path that meets {@code null} yields no value.
 *
 * <p>Annotation values are immutable and thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /** The event name, for example {@code CreateOrder}; defaults to {@code Type.method}. */
    String eventName() default "";

    /** The type of the primary resource, literal or expression. */
    String resourceType() default "";

    /** The name or id of the primary resource, literal or expression, for example {@code #result.id}. */
    String resourceName() default "";

    /** Whether the method reads or writes; defaults to {@code Write}. */
    EventRW eventRW() default EventRW.WRITE;

    /**
     * The channel, at most one value; when empty, the {@link AuditContext}'s event type applies, else
     * {@code ApiCall}.
     */
    EventType[] eventType() default {};

    /** The category of the event. */
    EventCategory eventCategory() default EventCategory.MANAGEMENT;

    /** Whether the arguments are recorded as {@code requestParameters} (redacted and size-limited). */
    boolean captureArgs() default true;

    /** Whether the return value is recorded as {@code responseElements} (redacted and size-limited). */
    boolean captureResult() default false;
}
