/** Looking up recorded events: {@link io.actiontrail.query.LookupQuery} and {@link io.actiontrail.query.LookupResult}. */
@NullMarked
package io.actiontrail.query;

import org.jspecify.annotations.NullMarked;
