/**
 * Turning a method call into an event: the per-method plan of an {@code @Audited} method, resource expressions, and the bounded, redacted snapshot of arguments and results.
 *
 * <p>Not a supported API: public types here serve other engine packages only and change without notice.
 */
@NullMarked
package io.actiontrail.internal.capture;

import org.jspecify.annotations.NullMarked;
