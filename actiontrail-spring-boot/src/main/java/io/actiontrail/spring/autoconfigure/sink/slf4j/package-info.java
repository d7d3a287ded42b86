/** TODO */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.slf4j;

import org.jspecify.annotations.NullMarked;
