/**
 * Spring MVC: the per-request audit context (client IP behind trusted proxies, user agent, request id, channel) and
 * controller handlers audited as events.
 */
@NullMarked
package io.actiontrail.spring.web;

import org.jspecify.annotations.NullMarked;
