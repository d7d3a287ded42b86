package io.actiontrail.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.Audited;
import io.actiontrail.Durability;
import io.actiontrail.Outcome;
import io.actiontrail.Sensitive;
import io.actiontrail.UserIdentity;
import io.actiontrail.spring.AuditIdentityProvider;
import io.actiontrail.spring.TestAutoConfigurations;
import io.actiontrail.test.InMemoryAuditSink;
import io.actiontrail.trail.Trail;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code @Audited} interceptor: what it prepares once must give the same events as preparing per call. */
class AuditedMethodInterceptorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestAutoConfigurations.BASE)
            .withPropertyValues("spring.application.name=orders", "actiontrail.durability=memory")
            .withBean("memory", InMemoryAuditSink.class, InMemoryAuditSink::create);

    // --- beans -----------------------------------------------------------------------------------------------------

    /** Audited on the interface; two implementations audit the same interface method under their own names. */
    interface Greeter {
        @Audited(eventName = "Greet")
        String greet(String name);
    }

    static class EnglishGreeter implements Greeter {
        @Override
        @Audited(eventName = "GreetInEnglish")
        public String greet(String name) {
            return "hello " + name;
        }
    }

    static class FrenchGreeter implements Greeter {
        @Override
        @Audited(eventName = "GreetInFrench")
        public String greet(String name) {
            return "bonjour " + name;
        }
    }

    static class PlainGreeter implements Greeter {
        @Override
        public String greet(String name) {
            return name;
        }
    }

    /** No interface: proxied by subclassing. One subclass overrides the audited method with its own name. */
    static class Repository {
        @Audited(eventName = "Save", resourceName = "#id")
        public void save(String id) {}
    }

    static class ArchiveRepository extends Repository {
        @Override
        @Audited(eventName = "Archive", resourceName = "#id")
        public void save(String id) {}
    }

    static class CachedRepository extends Repository {}

    /** A denial exception: its name says so. */
    static final class PermissionDeniedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PermissionDeniedException(String message) {
            super(message);
        }
    }

    /**
     * One line of an order.
     *
     * @param sku its stock-keeping unit
     */
    public record OrderLine(String sku) {}

    /** The same interface audited by Spring and by {@code ActionTrail.proxy}, to compare what each records. */
    public interface Orders {
        @Audited(eventName = "CreateOrder", resourceType = "Order", resourceName = "#result.sku", captureResult = true)
        OrderLine create(String sku, @Sensitive String pin);

        @Audited(eventName = "CountOrders", captureResult = true)
        int count(String customer);

        @Audited(eventName = "ListOrders", captureResult = true)
        List<OrderLine> list(String customer);

        @Audited(eventName = "CancelOrder", resourceName = "#sku")
        void cancel(String sku);

        @Audited(eventName = "ExportOrders")
        void export(String path) throws IOException;
    }

    static final class DefaultOrders implements Orders {
        final PermissionDeniedException denied = new PermissionDeniedException("not yours");
        final IOException diskFull = new IOException("disk full");

        @Override
        public OrderLine create(String sku, String pin) {
            return new OrderLine(sku);
        }

        @Override
        public int count(String customer) {
            return 3;
        }

        @Override
        public List<OrderLine> list(String customer) {
            return List.of(new OrderLine("a"), new OrderLine("b"));
        }

        @Override
        public void cancel(String sku) {
            throw denied;
        }

        @Override
        public void export(String path) throws IOException {
            throw diskFull;
        }
    }

    /** Tells whoever {@link #current} names; counts how often it was asked. */
    static final class SwitchingIdentities implements AuditIdentityProvider {
        volatile String current = "alice";

        @Override
        public UserIdentity currentIdentity() {
            String name = current;
            return UserIdentity.user("u-" + name, name);
        }
    }

    // --- tests -----------------------------------------------------------------------------------------------------

    @Test
    void implementationsOfOneInterfaceMethodEachRecordTheirOwnAnnotation() {
        runner.withBean("english", EnglishGreeter.class)
                .withBean("french", FrenchGreeter.class)
                .withBean("plain", PlainGreeter.class)
                .run(context -> {
                    List<Greeter> greeters = List.of(
                            context.getBean("english", Greeter.class),
                            context.getBean("french", Greeter.class),
                            context.getBean("plain", Greeter.class));
                    // interface-based proxies: every call arrives as the same interface Method
                    assertThat(greeters).allMatch(AopUtils::isJdkDynamicProxy);
                    for (int round = 0; round < 3; round++) {
                        for (Greeter greeter : greeters) {
                            greeter.greet("ada");
                        }
                    }
                    assertThat(names(context, 9))
                            .containsExactly(
                                    "GreetInEnglish",
                                    "GreetInFrench",
                                    "Greet",
                                    "GreetInEnglish",
                                    "GreetInFrench",
                                    "Greet",
                                    "GreetInEnglish",
                                    "GreetInFrench",
                                    "Greet");
                    assertThat(interceptor(context).callSites()).isEqualTo(3);
                });
    }

    @Test
    void subclassesRecordTheAnnotationOfTheMethodTheyRun() {
        runner.withBean("repository", Repository.class)
                .withBean("archive", ArchiveRepository.class)
                .withBean("cached", CachedRepository.class)
                .run(context -> {
                    List<Repository> repositories = List.of(
                            context.getBean("repository", Repository.class),
                            context.getBean("archive", Repository.class),
                            context.getBean("cached", Repository.class));
                    assertThat(repositories).allMatch(AopUtils::isCglibProxy);
                    for (int round = 0; round < 2; round++) {
                        for (Repository repository : repositories) {
                            repository.save("r-" + round);
                        }
                    }
                    List<AuditEvent> events = events(context, 6);
                    assertThat(events)
                            .extracting(AuditEvent::eventName)
                            .containsExactly("Save", "Archive", "Save", "Save", "Archive", "Save");
                    assertThat(events)
                            .extracting(AuditEvent::resourceName)
                            .containsExactly("r-0", "r-0", "r-0", "r-1", "r-1", "r-1");
                });
    }

    @Test
    void recordsWhatActionTrailProxyRecordsForTheSameCalls() {
        DefaultOrders springTarget = new DefaultOrders();
        DefaultOrders proxyTarget = new DefaultOrders();
        runner.withBean(Orders.class, () -> springTarget).run(context -> {
            Orders spring = context.getBean(Orders.class);
            assertThat(AopUtils.isAopProxy(spring)).isTrue();
            Orders proxy = context.getBean(ActionTrail.class).proxy(Orders.class, proxyTarget);
            for (Orders orders : List.of(spring, proxy)) {
                DefaultOrders target = orders == spring ? springTarget : proxyTarget;
                orders.create("sku-1", "1234");
                orders.count("c-1");
                orders.list("c-1");
                // the caller gets the very exception the method threw, checked ones too
                assertThatThrownBy(() -> orders.cancel("sku-1")).isSameAs(target.denied);
                assertThatThrownBy(() -> orders.export("orders.csv")).isSameAs(target.diskFull);
            }
            List<AuditEvent> events = events(context, 10);
            List<AuditEvent> bySpring = events.subList(0, 5);
            List<AuditEvent> byProxy = events.subList(5, 10);
            for (int i = 0; i < 5; i++) {
                AuditEvent s = bySpring.get(i);
                AuditEvent p = byProxy.get(i);
                assertThat(s.eventName()).isEqualTo(p.eventName());
                assertThat(s.resourceType()).isEqualTo(p.resourceType());
                assertThat(s.resourceName()).isEqualTo(p.resourceName());
                assertThat(s.requestParameters()).isEqualTo(p.requestParameters());
                assertThat(s.responseElements()).isEqualTo(p.responseElements());
                assertThat(s.outcome()).isEqualTo(p.outcome());
                assertThat(s.errorCode()).isEqualTo(p.errorCode());
                assertThat(s.errorMessage()).isEqualTo(p.errorMessage());
                assertThat(s.eventRW()).isEqualTo(p.eventRW());
                assertThat(s.durationMs()).isNotNull();
            }
            // and what that is, spelled out
            assertThat(bySpring.get(0).requestParameters()).containsEntry("pin", "<redacted>");
            assertThat(bySpring.get(0).responseElements()).isEqualTo(Map.of("sku", "sku-1"));
            assertThat(bySpring.get(1).responseElements()).isEqualTo(Map.of("result", 3L));
            assertThat(bySpring.get(2).responseElements())
                    .isEqualTo(Map.of("result", List.of(Map.of("sku", "a"), Map.of("sku", "b"))));
            assertThat(bySpring.get(3).outcome()).isEqualTo(Outcome.DENIED);
            assertThat(bySpring.get(3).resourceName()).isEqualTo("sku-1");
            assertThat(bySpring.get(4).outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(bySpring.get(4).errorCode()).isEqualTo("IOException");
        });
    }

    @Test
    void asksTheIdentityProviderOnEveryCallUnlessTheContextNamesSomeone() {
        SwitchingIdentities identities = new SwitchingIdentities();
        runner.withBean(AuditIdentityProvider.class, () -> identities)
                .withBean("repository", Repository.class)
                .run(context -> {
                    Repository repository = context.getBean(Repository.class);
                    repository.save("r-1");
                    identities.current = "bob";
                    repository.save("r-2");
                    try (AuditContext.Scope scope = AuditContext.builder()
                            .identity(UserIdentity.user("u-carol", "carol"))
                            .open()) {
                        assertThat(AuditContext.current()).isSameAs(scope.context());
                        repository.save("r-3");
                    }
                    List<AuditEvent> events = events(context, 3);
                    assertThat(events)
                            .extracting(AuditedMethodInterceptorTest::userName)
                            .containsExactly("alice", "bob", "carol");
                });
    }

    @Test
    void keepsAtMostTheGivenNumberOfCallSitesAndStillAuditsTheRest() throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (ActionTrail actionTrail = ActionTrail.builder()
                .serviceName("orders")
                .durability(Durability.MEMORY)
                .shutdownHook(false)
                .trail(Trail.builder("t").sink(sink).build())
                .build()) {
            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            beans.registerSingleton("actionTrail", actionTrail);
            AuditedMethodInterceptor interceptor = new AuditedMethodInterceptor(
                    beans.getBeanProvider(ActionTrail.class), beans.getBeanProvider(AuditIdentityProvider.class), 2);
            List<Greeter> greeters = new ArrayList<>();
            for (Greeter target : List.of(new EnglishGreeter(), new FrenchGreeter(), new PlainGreeter())) {
                ProxyFactory factory = new ProxyFactory(target);
                factory.addAdvisor(new AuditedAdvisor(interceptor, false));
                greeters.add((Greeter) factory.getProxy());
            }
            for (int round = 0; round < 2; round++) {
                for (Greeter greeter : greeters) {
                    greeter.greet("ada");
                }
            }
            assertThat(actionTrail.flush(java.time.Duration.ofSeconds(10))).isTrue();
            assertThat(sink.events())
                    .extracting(AuditEvent::eventName)
                    .containsExactly(
                            "GreetInEnglish", "GreetInFrench", "Greet", "GreetInEnglish", "GreetInFrench", "Greet");
            assertThat(interceptor.callSites()).isEqualTo(2);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static List<AuditEvent> events(AssertableApplicationContext context, int count) {
        InMemoryAuditSink sink = context.getBean(InMemoryAuditSink.class);
        await().until(() -> sink.size() >= count);
        assertThat(sink.size()).isEqualTo(count);
        return sink.events();
    }

    private static @Nullable String userName(AuditEvent event) {
        UserIdentity identity = event.userIdentity();
        return identity == null ? null : identity.userName();
    }

    private static List<String> names(AssertableApplicationContext context, int count) {
        return events(context, count).stream().map(AuditEvent::eventName).toList();
    }

    private static AuditedMethodInterceptor interceptor(AssertableApplicationContext context) {
        return (AuditedMethodInterceptor) context.getBean(AuditedAdvisor.class).getAdvice();
    }
}
