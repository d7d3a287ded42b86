/** A small web application the starter's end-to-end tests run. */
@NullMarked
package io.actiontrail.spring.web.webapp;

import org.jspecify.annotations.NullMarked;
