/** Tests of {@code io.actiontrail.spring.web}. */
@NullMarked
package io.actiontrail.spring.web;

import org.jspecify.annotations.NullMarked;
