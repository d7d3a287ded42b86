/** Tests of {@code io.actiontrail.spring.security}. */
@NullMarked
package io.actiontrail.spring.security;

import org.jspecify.annotations.NullMarked;
