/**
 * Delivery from the journal to the sinks: one shipper per trail and sink with its own cursor, batching, retries and accounting, and the pipeline that owns them.
 *
 * <p>Not a supported API: public types here serve other engine packages only and change without notice.
 */
@NullMarked
package io.actiontrail.internal.delivery;

import org.jspecify.annotations.NullMarked;
