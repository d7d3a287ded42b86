/** Tests of {@code io.actiontrail.spring.autoconfigure.sink.sls}. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.sls;

import org.jspecify.annotations.NullMarked;
