/**
 * Spring Boot integration of ActionTrail. This package holds what applications implement; the auto-configuration lives
 * in {@code .autoconfigure} ({@code actiontrail.*} properties, sinks by type), {@code .aop} ({@code @Audited} beans),
 * {@code .web} (request context, controllers), {@code .security} (identity, sign-in events) and {@code .actuate}
 * (health, metrics).
 */
@NullMarked
package io.actiontrail.spring;

import org.jspecify.annotations.NullMarked;
