package io.actiontrail.spring.web;

import io.actiontrail.AuditEvent;
import io.actiontrail.Outcome;
import java.util.Locale;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ResponseStatus;

/** How an HTTP answer reads in an event: the status of an exception, the error code and reason of a status. */
final class HttpOutcomes {

    private HttpOutcomes() {}

    /** Whether core reads the failure as a denial: a security exception. */
    static boolean isDenial(Throwable failure) {
        return AuditEvent.builder("x").failure(failure).build().outcome() == Outcome.DENIED;
    }

    /**
     * The status an exception answers with: its own, its {@code @ResponseStatus}, 403 or 401 for security exceptions
     * (known by name, so that Spring Security need not be on the classpath), else 500.
     */
    static int statusOf(Throwable ex) {
        if (ex instanceof ErrorResponse response) {
            return response.getStatusCode().value();
        }
        ResponseStatus status = AnnotatedElementUtils.findMergedAnnotation(ex.getClass(), ResponseStatus.class);
        if (status != null) {
            return status.code().value();
        }
        for (Class<?> c = ex.getClass(); c != null && c != Throwable.class; c = c.getSuperclass()) {
            String name = c.getSimpleName();
            if (name.contains("AccessDenied") || name.contains("Forbidden")) {
                return 403; // what Spring Security's ExceptionTranslationFilter answers
            }
            if (name.contains("AuthenticationException") || name.contains("Unauthorized")) {
                return 401;
            }
        }
        return 500;
    }

    /** The reason phrase as an error code: {@code NotFound} for 404, {@code Http599} for a status without one. */
    static String errorCode(int status) {
        StringBuilder code = new StringBuilder();
        for (String word : reason(status).split("[^A-Za-z0-9]+", -1)) {
            if (!word.isEmpty()) {
                code.append(Character.toUpperCase(word.charAt(0)))
                        .append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return code.length() == 0 ? "Http" + status : code.toString();
    }

    /** The reason phrase of a status, such as {@code Not Found}. */
    static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Status " + status : known.getReasonPhrase();
    }
}
