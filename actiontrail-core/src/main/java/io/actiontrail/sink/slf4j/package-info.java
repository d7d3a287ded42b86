/** A sink that writes each event as one JSON line to an SLF4J logger: the one destination that ships with core. */
@NullMarked
package io.actiontrail.sink.slf4j;

import org.jspecify.annotations.NullMarked;
