/** Runs the quick start's documented calls against the example service. */
@NullMarked
package io.actiontrail.examples.boot;

import org.jspecify.annotations.NullMarked;
