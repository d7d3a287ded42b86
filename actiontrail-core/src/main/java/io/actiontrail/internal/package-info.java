/**
 * The engine behind the public API: capture, codec, journal and delivery. Nothing here is supported API; it changes
 * without notice. Helpers shared by every engine package live in this package.
 */
@NullMarked
package io.actiontrail.internal;

import org.jspecify.annotations.NullMarked;
