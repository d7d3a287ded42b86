/**
 * Method capture for framework integrations: the plan of an {@code @Audited} method ({@link
 * io.actiontrail.capture.AuditedMethod}), how its resource expressions are read ({@link
 * io.actiontrail.capture.ExpressionLanguage}), one finished call ({@link io.actiontrail.capture.Invocation}), and the
 * {@link io.actiontrail.capture.CallRecorder} of an {@code ActionTrail} that turns a call into an event exactly as
 * {@code ActionTrail.proxy} does: same names, same bounded and redacted snapshots, same outcome and error.
 */
@NullMarked
package io.actiontrail.capture;

import org.jspecify.annotations.NullMarked;
