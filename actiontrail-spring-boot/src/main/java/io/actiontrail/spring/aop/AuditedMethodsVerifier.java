package io.actiontrail.spring.aop;

import io.actiontrail.Audited;
import io.actiontrail.spring.AuditCoverage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * At start-up, warns about every {@link Audited} method of a bean that Spring AOP cannot intercept, naming the method:
 * final or private methods, methods of final classes, and calls from the same class ({@code this.create(..)}), which
 * bypass the proxy. {@code @Audited} never silently does nothing. Counts what it found for the start-up line and the
 * health details. Runs once, at start-up; {@link #report()} is safe from any thread after that.
 */
final class AuditedMethodsVerifier implements SmartInitializingSingleton, AuditCoverage {

    private static final Logger log = LoggerFactory.getLogger(AuditedMethodsVerifier.class);

    private final ConfigurableListableBeanFactory beanFactory;
    private final boolean controllersCapturedElsewhere;
    private final List<String> warnings = new ArrayList<>();
    private final AtomicInteger found = new AtomicInteger();
    private final AtomicInteger inert = new AtomicInteger();

    AuditedMethodsVerifier(ConfigurableListableBeanFactory beanFactory, boolean controllersCapturedElsewhere) {
        this.beanFactory = beanFactory;
        this.controllersCapturedElsewhere = controllersCapturedElsewhere;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<Class<?>> seen = new HashSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> type;
            try {
                type = beanFactory.getType(name, false);
            } catch (RuntimeException | LinkageError e) {
                continue;
            }
            if (type == null) {
                continue;
            }
            Class<?> user = ClassUtils.getUserClass(type);
            // no exclusion by package: an application's beans may live under org.springframework. too
            if (!seen.add(user)) {
                continue;
            }
            if (java.lang.reflect.Proxy.isProxyClass(user)) {
                continue; // an interface-based proxy: its methods are final, and every interface call is intercepted
            }
            if (controllersCapturedElsewhere && AuditedAdvisor.isController(user)) {
                continue; // handlers are audited by the controller capture, which needs no proxy
            }
            try {
                verify(user);
            } catch (LinkageError e) {
                // a framework class whose optional dependencies are absent: it declares no @Audited method we could see
                log.debug("ActionTrail: could not inspect {} for @Audited methods", user.getName(), e);
            }
        }
    }

    /** Returns the warnings logged so far. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * The {@code @Audited} methods of the beans (of the beans other than controllers when the web capture audits those),
     * and how many of them Spring AOP can intercept; self-invocation is warned about, not subtracted, since calls from
     * other beans are still audited.
     */
    @Override
    public Report report() {
        int total = found.get();
        int notAudited = inert.get();
        List<String> why = notAudited == 0
                ? List.of()
                : List.of(notAudited + " @Audited method" + (notAudited == 1 ? "" : "s")
                        + " cannot be intercepted by Spring AOP and so record nothing: see the warnings naming them");
        return new Report("@Audited methods", total, total - notAudited, why);
    }

    void verify(Class<?> type) {
        Map<String, Method> audited = new HashMap<>(); // name + descriptor -> method
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.isBridge() || method.isSynthetic()) {
                    continue;
                }
                Method specific = ReflectionUtils.findMethod(type, method.getName(), method.getParameterTypes());
                Method m = specific != null ? specific : method;
                if (AnnotatedElementUtils.findMergedAnnotation(m, Audited.class) == null) {
                    continue;
                }
                audited.putIfAbsent(method.getName() + descriptor(method), method);
            }
        }
        if (audited.isEmpty()) {
            return;
        }
        found.addAndGet(audited.size());
        for (Method method : new LinkedHashSet<>(audited.values())) {
            int mod = method.getModifiers();
            if (Modifier.isFinal(mod)
                    || Modifier.isPrivate(mod)
                    || Modifier.isStatic(mod)
                    || Modifier.isFinal(method.getDeclaringClass().getModifiers())) {
                inert.incrementAndGet();
            }
            if (Modifier.isFinal(mod)) {
                warn(method, "is final; Spring AOP cannot intercept it, so its calls are not audited");
            } else if (Modifier.isPrivate(mod)) {
                warn(method, "is private; Spring AOP cannot intercept it, so its calls are not audited");
            } else if (Modifier.isStatic(mod)) {
                warn(method, "is static; Spring AOP cannot intercept it, so its calls are not audited");
            } else if (Modifier.isFinal(method.getDeclaringClass().getModifiers())) {
                warn(
                        method,
                        "belongs to a final class; Spring AOP can intercept it only through an interface it"
                                + " implements, so calls made on the class are not audited");
            }
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (SelfCall call : selfCalls(c, audited)) {
                warn(
                        call.callee(),
                        "is called from " + c.getSimpleName() + "." + call.caller()
                                + " on the same object; such self-invocation bypasses the Spring proxy, so those"
                                + " calls are not audited (call it through another bean, or record the event there)");
            }
        }
    }

    private void warn(Method method, String what) {
        String message =
                "ActionTrail: @Audited method " + method.getDeclaringClass().getName() + "." + method.getName() + "("
                        + parameters(method) + ") " + what;
        warnings.add(message);
        log.warn(message);
    }

    private static String parameters(Method method) {
        StringBuilder out = new StringBuilder();
        for (Class<?> p : method.getParameterTypes()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(p.getSimpleName());
        }
        return out.toString();
    }

    private static String descriptor(Method method) {
        return org.springframework.asm.Type.getMethodDescriptor(method);
    }

    /** A call from one method of a class to an audited method of the same class. */
    private record SelfCall(String caller, Method callee) {}

    /** Finds calls to audited methods made by the class's own methods, from its bytecode. */
    private static List<SelfCall> selfCalls(Class<?> type, Map<String, Method> audited) {
        Set<String> owners = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            owners.add(c.getName().replace('.', '/'));
        }
        List<SelfCall> calls = new ArrayList<>();
        byte[] bytes = classBytes(type);
        if (bytes == null) {
            return calls;
        }
        Set<String> reported = new HashSet<>();
        new ClassReader(bytes)
                .accept(
                        new ClassVisitor(Opcodes.ASM9) {
                            @Override
                            public MethodVisitor visitMethod(
                                    int access,
                                    String name,
                                    String descriptor,
                                    @Nullable String signature,
                                    String @Nullable [] exceptions) {
                                String caller = callerName(name);
                                return new MethodVisitor(Opcodes.ASM9) {
                                    @Override
                                    public void visitMethodInsn(
                                            int opcode,
                                            String owner,
                                            String callee,
                                            String calleeDesc,
                                            boolean isInterface) {
                                        if ((opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKESPECIAL)
                                                && owners.contains(owner)
                                                && !callee.equals("<init>")) {
                                            Method target = audited.get(callee + calleeDesc);
                                            if (target != null
                                                    && !caller.equals(callee)
                                                    && reported.add(caller + "->" + callee + calleeDesc)) {
                                                calls.add(new SelfCall(caller, target));
                                            }
                                        }
                                    }
                                };
                            }
                        },
                        ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return calls;
    }

    /** Returns the name a reader knows for a method, with lambdas named after the method they are written in. */
    private static String callerName(String name) {
        if (name.startsWith("lambda$")) {
            int end = name.indexOf('$', "lambda$".length());
            return end > 0 ? name.substring("lambda$".length(), end) : name;
        }
        return name;
    }

    private static byte @Nullable [] classBytes(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return null;
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
