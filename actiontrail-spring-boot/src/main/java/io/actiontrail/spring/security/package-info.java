/**
 * Spring Security: the identity of events, and sign-in, failed sign-in and sign-out events.
 */
@NullMarked
package io.actiontrail.spring.security;

import org.jspecify.annotations.NullMarked;
