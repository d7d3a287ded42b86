/**
 * The {@code slf4j} sink type, which ships with core.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.slf4j;

import org.jspecify.annotations.NullMarked;
