/** Tests of the Spring Boot starter. */
@NullMarked
package io.actiontrail.spring;

import org.jspecify.annotations.NullMarked;
