/**
 * Tamper evidence: the Merkle tree hashes of RFC 6962 / RFC 9162 over a trail's events, and the proofs that let
 * anyone holding only the JDK check that an event is in a tree and that a later tree extends an earlier one.
 */
@NullMarked
package io.actiontrail.integrity;

import org.jspecify.annotations.NullMarked;
