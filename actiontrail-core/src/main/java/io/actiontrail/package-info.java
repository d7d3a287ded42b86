/** ActionTrail for Java: record who did what, when, from where, with what result. */
@NullMarked
package io.actiontrail;

import org.jspecify.annotations.NullMarked;
