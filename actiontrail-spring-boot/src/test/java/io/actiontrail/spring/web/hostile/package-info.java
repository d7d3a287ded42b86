/** An application that takes hostile input, for the tests that the capture survives it. */
@NullMarked
package io.actiontrail.spring.web.hostile;

import org.jspecify.annotations.NullMarked;
