/**
 * The {@code sls} sink type: Alibaba Cloud Log Service.
 */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.sls;

import org.jspecify.annotations.NullMarked;
