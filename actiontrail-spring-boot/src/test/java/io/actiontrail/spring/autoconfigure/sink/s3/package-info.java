/** Tests of {@code io.actiontrail.spring.autoconfigure.sink.s3}. */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.s3;

import org.jspecify.annotations.NullMarked;
