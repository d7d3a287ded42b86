/** TODO */
@NullMarked
package io.actiontrail.spring.actuate;

import org.jspecify.annotations.NullMarked;
