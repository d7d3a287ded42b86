/** A read-only web application for the tests of what the starter reports. */
@NullMarked
package io.actiontrail.spring.web.readonly;

import org.jspecify.annotations.NullMarked;
