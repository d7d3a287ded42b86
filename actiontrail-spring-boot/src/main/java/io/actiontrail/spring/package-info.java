/**
 * Spring Boot auto-configuration for ActionTrail: {@code actiontrail.*} properties, {@code @Audited} on Spring beans,
 * controller auditing, the per-request audit context, sign-in events, health and metrics.
 */
@NullMarked
package io.actiontrail.spring;

import org.jspecify.annotations.NullMarked;
