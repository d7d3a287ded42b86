package io.actiontrail.spring.web;

import io.actiontrail.Audited;
import io.actiontrail.capture.AuditedMethod;
import io.actiontrail.spring.AuditedMethods;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * What to record for one handler method, prepared once, and which handlers are the application's: shared by the Spring
 * MVC and the WebFlux capture, so it names no type of either. Immutable and thread-safe.
 *
 * @param audited the plan of the handler's {@code @Audited}, if it has one
 * @param eventName the event's name without {@code @Audited}: the method's name, capitalised
 * @param explicit whether the handler has {@code @Audited}
 * @param parameters where the handler's arguments come from, and which are left out or redacted
 */
record HandlerPlan(@Nullable AuditedMethod audited, String eventName, boolean explicit, HandlerParameters parameters) {

    /** Methods that read: their handlers are audited only with {@code @Audited} or when read methods are on. */
    static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /** Spring Boot's error-controller contract: in Boot 4, and in Boot 3. */
    private static final Set<String> ERROR_CONTROLLERS = Set.of(
            "org.springframework.boot.webmvc.error.ErrorController",
            "org.springframework.boot.web.servlet.error.ErrorController");

    /** The plan of a controller's handler method. */
    static HandlerPlan of(HandlerMethod handler) {
        Method method = handler.getMethod();
        String name = method.getName();
        String defaultName = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        HandlerParameters parameters = HandlerParameters.of(handler.getMethodParameters());
        Audited audited = AnnotatedElementUtils.findMergedAnnotation(method, Audited.class);
        if (audited == null) {
            return new HandlerPlan(null, defaultName, false, parameters);
        }
        return new HandlerPlan(AuditedMethods.of(method, audited, defaultName), defaultName, true, parameters);
    }

    /** The plan of a functional route, named by convention: nothing is known of its parameters. */
    static HandlerPlan ofRoute(String eventName) {
        return new HandlerPlan(null, eventName, false, HandlerParameters.NONE);
    }

    /** Whether a request of this HTTP method reads. */
    static boolean isRead(String httpMethod) {
        return READ_METHODS.contains(httpMethod.toUpperCase(Locale.ROOT));
    }

    /** Whether a call of this handler with this HTTP method is audited. */
    boolean audits(String httpMethod, boolean readMethods) {
        return explicit || readMethods || !isRead(httpMethod);
    }

    /**
     * Whether a handler's bean is one of the application's controllers: a {@code @Controller} that is not an error
     * controller (Spring Boot's {@code ErrorController} contract, whose {@code BasicErrorController} renders the error
     * of a request whose own handler is audited). Recognised by type, never by package, so that an application whose
     * controllers live under {@code org.springframework.} or {@code io.spring.} is audited like any other. Actuator's
     * endpoints are not {@code @Controller}s.
     */
    static boolean isApplicationHandler(Class<?> beanType) {
        return APPLICATION_HANDLERS.get(beanType);
    }

    /** {@link #isApplicationHandler}, once per class (it is asked on every request) without pinning the class. */
    private static final ClassValue<Boolean> APPLICATION_HANDLERS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return isApplicationHandlerType(type);
        }
    };

    private static boolean isApplicationHandlerType(Class<?> beanType) {
        if (!AnnotatedElementUtils.hasAnnotation(beanType, Controller.class)) {
            return false;
        }
        for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(beanType)) {
            if (ERROR_CONTROLLERS.contains(type.getName())) {
                return false;
            }
        }
        return true;
    }
}
