package io.actiontrail.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public type of the engine that is public only because another engine package uses it. It is not a
 * supported API: it may change or disappear in any release, and code outside {@code actiontrail-core} must not use
 * it. An architecture test checks that every public type under {@code io.actiontrail.internal} carries this mark.
 * An annotation has no state: thread-safety does not apply.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface InternalApi {}
