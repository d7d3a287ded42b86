/** TODO */
@NullMarked
package io.actiontrail.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
