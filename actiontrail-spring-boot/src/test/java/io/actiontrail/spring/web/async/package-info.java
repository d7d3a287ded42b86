/** An application that answers asynchronously, for the tests of async capture. */
@NullMarked
package io.actiontrail.spring.web.async;

import org.jspecify.annotations.NullMarked;
