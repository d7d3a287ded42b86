/**
 * {@code @Audited} on Spring beans, through Spring AOP.
 */
@NullMarked
package io.actiontrail.spring.aop;

import org.jspecify.annotations.NullMarked;
