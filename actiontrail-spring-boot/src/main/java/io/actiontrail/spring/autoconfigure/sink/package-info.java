/** TODO */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink;

import org.jspecify.annotations.NullMarked;
