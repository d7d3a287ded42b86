/** Tests of {@code io.actiontrail.spring.autoconfigure}. */
@NullMarked
package io.actiontrail.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
