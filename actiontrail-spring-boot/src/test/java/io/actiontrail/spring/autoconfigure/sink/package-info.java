/** Tests of {@code io.actiontrail.spring.autoconfigure.sink}. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink;

import org.jspecify.annotations.NullMarked;
