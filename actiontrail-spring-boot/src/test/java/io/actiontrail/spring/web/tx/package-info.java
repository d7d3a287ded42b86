/** A test application whose controllers run their own transactions on a real (H2) database. */
@NullMarked
package io.actiontrail.spring.web.tx;

import org.jspecify.annotations.NullMarked;
