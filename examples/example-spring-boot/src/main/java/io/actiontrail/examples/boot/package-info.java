/** The quick start: an orders and customers service audited by the ActionTrail Spring Boot starter. */
@NullMarked
package io.actiontrail.examples.boot;

import org.jspecify.annotations.NullMarked;
