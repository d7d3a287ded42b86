/** Tests of {@code io.actiontrail.spring.autoconfigure.sink.kafka}. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.kafka;

import org.jspecify.annotations.NullMarked;
