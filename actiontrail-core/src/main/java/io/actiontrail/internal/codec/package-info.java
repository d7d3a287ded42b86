/**
 * The event's wire form: the JSON encoder and decoder, the immutable JSON trees of the model, the secret-key redaction, and the few top-level fields read from an encoded line without decoding it.
 *
 * <p>Not a supported API: public types here serve other engine packages only and change without notice.
 */
@NullMarked
package io.actiontrail.internal.codec;

import org.jspecify.annotations.NullMarked;
