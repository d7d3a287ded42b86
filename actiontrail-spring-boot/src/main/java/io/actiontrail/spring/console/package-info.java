/**
 * The ActionTrail API: the trail read over HTTP (search in the search syntax, one event, a resource's timeline,
 * counts, the trails' status, exports in CSV and NDJSON, and an ActionTrail {@code LookupEvents}-compatible shape),
 * off unless {@code actiontrail.console.enabled}, always behind authentication and an authority, each call audited.
 */
@NullMarked
package io.actiontrail.spring.console;

import org.jspecify.annotations.NullMarked;
