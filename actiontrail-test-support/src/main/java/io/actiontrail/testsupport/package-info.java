/** Test servers that more than one module's tests start; for this project's tests only, never published. */
@NullMarked
package io.actiontrail.testsupport;

import org.jspecify.annotations.NullMarked;
