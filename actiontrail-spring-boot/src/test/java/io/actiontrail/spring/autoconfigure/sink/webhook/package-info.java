/** Tests of {@code io.actiontrail.spring.autoconfigure.sink.webhook}. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.webhook;

import org.jspecify.annotations.NullMarked;
