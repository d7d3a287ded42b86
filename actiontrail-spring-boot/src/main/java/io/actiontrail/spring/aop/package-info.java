/** TODO */
@NullMarked
package io.actiontrail.spring.aop;

import org.jspecify.annotations.NullMarked;
