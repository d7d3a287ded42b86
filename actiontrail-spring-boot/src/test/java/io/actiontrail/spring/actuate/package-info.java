/** Tests of the trails' health and meters. */
@NullMarked
package io.actiontrail.spring.actuate;

import org.jspecify.annotations.NullMarked;
