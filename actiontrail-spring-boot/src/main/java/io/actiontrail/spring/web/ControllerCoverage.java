package io.actiontrail.spring.web;

import io.actiontrail.Audited;
import io.actiontrail.spring.AuditCoverage;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;

/**
 * Counts the application's controller handlers and how many the controller capture audits: every handler that maps a
 * mutating method (or any method), the read-only ones when read methods are on, and every {@code @Audited} one. Says
 * why when a web application's handlers are all left out, and names every {@code @Audited} method of a controller that
 * is no handler, which the capture never sees. Thread-safe.
 */
final class ControllerCoverage implements AuditCoverage {

    private static final Set<RequestMethod> READ_METHODS =
            Set.of(RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS, RequestMethod.TRACE);

    private final Supplier<Map<HandlerMethod, Set<RequestMethod>>> mapped;
    private final boolean captureOn;
    private final boolean readMethods;

    /**
     * @param mapped the handler methods of the application's request mappings (Spring MVC's or WebFlux's), each with
     *     the HTTP methods it is mapped to (none: all)
     */
    ControllerCoverage(
            Supplier<Map<HandlerMethod, Set<RequestMethod>>> mapped, boolean captureOn, boolean readMethods) {
        this.mapped = mapped;
        this.captureOn = captureOn;
        this.readMethods = readMethods;
    }

    @Override
    public Report report() {
        Set<Method> handlers = new HashSet<>();
        Set<Class<?>> controllers = new LinkedHashSet<>();
        int audited = 0;
        for (Map.Entry<HandlerMethod, Set<RequestMethod>> entry : mapped.get().entrySet()) {
            HandlerMethod handler = entry.getKey();
            Class<?> type = ClassUtils.getUserClass(handler.getBeanType());
            if (!HandlerPlan.isApplicationHandler(type) || !handlers.add(handler.getMethod())) {
                continue;
            }
            controllers.add(type);
            if (audited(handler, entry.getValue())) {
                audited++;
            }
        }
        List<String> warnings = new ArrayList<>();
        int found = handlers.size();
        if (found > 0 && audited == 0) {
            warnings.add(
                    captureOn
                            ? "none of the " + found
                                    + " controller handlers is audited: each maps only read methods (GET,"
                                    + " HEAD) and actiontrail.capture.read-methods is false; set it to true, or put @Audited"
                                    + " on the handlers to audit"
                            : "none of the " + found
                                    + " controller handlers is audited: actiontrail.capture.controllers is"
                                    + " false; set it to true, or put @Audited on the handlers to audit");
        }
        if (captureOn) {
            for (Class<?> controller : controllers) {
                ReflectionUtils.doWithMethods(controller, method -> {
                    if (!handlers.contains(method) && AnnotatedElementUtils.hasAnnotation(method, Audited.class)) {
                        warnings.add("@Audited method " + controller.getName() + "." + method.getName()
                                + " is not a request handler, and the controller capture audits only handlers:"
                                + " its calls record nothing; move it to a service bean");
                    }
                });
            }
        }
        return new Report("controller handlers", found, audited, warnings);
    }

    private boolean audited(HandlerMethod handler, Set<RequestMethod> mapped) {
        if (AnnotatedElementUtils.hasAnnotation(handler.getMethod(), Audited.class)) {
            return true; // audited by the capture, or by the advisor when the capture is off
        }
        if (!captureOn) {
            return false;
        }
        return readMethods || mapped.isEmpty() || !READ_METHODS.containsAll(mapped);
    }
}
