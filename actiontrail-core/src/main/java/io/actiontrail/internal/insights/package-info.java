/**
 * The insights engine: per-minute counters in primitive arrays, baselines, the detection rule, rollups and the
 * insights thread that counts what the journal wrote.
 */
@NullMarked
package io.actiontrail.internal.insights;

import org.jspecify.annotations.NullMarked;
