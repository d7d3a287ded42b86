/** A runnable plain-Java example: an audited order service. */
@NullMarked
package io.actiontrail.examples.plain;

import org.jspecify.annotations.NullMarked;
