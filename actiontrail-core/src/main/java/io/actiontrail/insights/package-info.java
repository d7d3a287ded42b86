/**
 * Insights: unusual activity detected in process, within minutes, from the events this library records — call and
 * error rates, new source networks of a principal, access keys, trail tampering, password and policy changes — and
 * the per-minute counters behind them.
 */
@NullMarked
package io.actiontrail.insights;

import org.jspecify.annotations.NullMarked;
