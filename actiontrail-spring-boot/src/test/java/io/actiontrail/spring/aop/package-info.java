/** Tests of {@code io.actiontrail.spring.aop}. */
@NullMarked
package io.actiontrail.spring.aop;

import org.jspecify.annotations.NullMarked;
