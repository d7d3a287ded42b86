package io.actiontrail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditContext;
import io.actiontrail.AuditEvent;
import io.actiontrail.Audited;
import io.actiontrail.Durability;
import io.actiontrail.UserIdentity;
import io.actiontrail.test.InMemoryAuditSink;
import io.actiontrail.trail.Trail;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code @Audited} interceptor: what it prepares once must give the same events as preparing per call. */
class AuditedMethodInterceptorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ActionTrailAutoConfiguration.class))
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
                    beans.getBeanProvider(ActionTrail.class),
                    beans.getBeanProvider(AuditIdentityProvider.class),
                    Clock.systemUTC(),
                    2);
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
