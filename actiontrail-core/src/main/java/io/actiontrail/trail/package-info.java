/** Trails: named routes that send a selection of the recorded events to sinks, and their delivery status. */
@NullMarked
package io.actiontrail.trail;

import org.jspecify.annotations.NullMarked;
