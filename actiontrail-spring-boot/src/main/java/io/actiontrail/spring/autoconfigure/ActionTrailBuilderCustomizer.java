package io.actiontrail.spring.autoconfigure;

import io.actiontrail.ActionTrail;

/**
 * Adjusts the {@link ActionTrail.Builder} after the properties, trails and sinks were applied and before the
 * instance is built: add a trail, a delivery listener, a clock. Customizer beans are applied in their
 * {@link org.springframework.core.Ordered order}.
 *
 * <p>Called once, at start-up, from one thread; implementations need not be thread-safe.
 */
@FunctionalInterface
public interface ActionTrailBuilderCustomizer {

    /** Adjusts the builder. */
    void customize(ActionTrail.Builder builder);
}
