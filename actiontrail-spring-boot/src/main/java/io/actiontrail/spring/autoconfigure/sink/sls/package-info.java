/** TODO */
@NullMarked
package io.actiontrail.spring.autoconfigure.sink.sls;

import org.jspecify.annotations.NullMarked;
