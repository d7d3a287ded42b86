/**
 * Tamper evidence for the journal: the Merkle log of its lines kept as files of subtree hashes, the signed
 * checkpoints written beside them, and the offline verifier that checks a data directory against them.
 *
 * <p>Not a supported API: public types here serve other engine packages only and change without notice.
 */
@NullMarked
package io.actiontrail.internal.integrity;

import org.jspecify.annotations.NullMarked;
