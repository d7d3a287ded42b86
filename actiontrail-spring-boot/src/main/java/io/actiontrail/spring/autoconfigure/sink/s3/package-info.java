/** TODO */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.s3;

import org.jspecify.annotations.NullMarked;
