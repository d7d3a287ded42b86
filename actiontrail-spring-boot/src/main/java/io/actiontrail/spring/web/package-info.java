/** TODO */
@NullMarked
package io.actiontrail.spring.web;

import org.jspecify.annotations.NullMarked;
