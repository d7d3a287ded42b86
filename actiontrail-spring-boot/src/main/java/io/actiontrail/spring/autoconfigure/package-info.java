/**
 * The {@link io.actiontrail.ActionTrail} bean from the {@code actiontrail.*} properties, its trails, the sinks declared
 * under {@code actiontrail.sinks} and the user's customizers.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
