/**
 * Testing support for ActionTrail: {@link io.actiontrail.test.InMemoryAuditSink} to capture delivered events,
 * {@link io.actiontrail.test.AuditSinkContract} for every sink's own tests, and
 * {@link io.actiontrail.test.ActionTrailAssertions} to check what an application recorded.
 */
@NullMarked
package io.actiontrail.test;

import org.jspecify.annotations.NullMarked;
