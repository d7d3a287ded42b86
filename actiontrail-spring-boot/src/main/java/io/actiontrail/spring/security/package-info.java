/** TODO */
@NullMarked
package io.actiontrail.spring.security;

import org.jspecify.annotations.NullMarked;
