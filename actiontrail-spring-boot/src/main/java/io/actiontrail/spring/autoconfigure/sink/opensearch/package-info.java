/**
 * The {@code opensearch} sink type, and the {@code EventStore} over its indices.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.opensearch;

import org.jspecify.annotations.NullMarked;
