/**
 * The {@code webhook} sink type: signed HTTP POSTs.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.webhook;

import org.jspecify.annotations.NullMarked;
