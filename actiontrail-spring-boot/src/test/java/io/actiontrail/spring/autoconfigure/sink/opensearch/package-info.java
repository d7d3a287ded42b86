/** Tests of {@code io.actiontrail.spring.autoconfigure.sink.opensearch}. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.opensearch;

import org.jspecify.annotations.NullMarked;
