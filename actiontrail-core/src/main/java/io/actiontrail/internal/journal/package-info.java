/**
 * The durable, ordered store every event is appended to once: segment files with group commit, recovery, retention, the in-memory variant and the newest-first lookup scan.
 *
 * <p>Not a supported API: public types here serve other engine packages only and change without notice.
 */
@NullMarked
package io.actiontrail.internal.journal;

import org.jspecify.annotations.NullMarked;
