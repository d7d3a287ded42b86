package io.actiontrail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.actiontrail.ActionTrail;
import io.actiontrail.AuditEvent;
import io.actiontrail.Durability;
import io.actiontrail.EventRW;
import io.actiontrail.Outcome;
import io.actiontrail.sink.AuditSink;
import io.actiontrail.sink.slf4j.Slf4jAuditSink;
import io.actiontrail.spring.autoconfigure.ActionTrailBuilderCustomizer;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import io.actiontrail.test.InMemoryAuditSink;
import io.actiontrail.trail.EventSelector;
import io.actiontrail.trail.Trail;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.samples.petclinic.vet.VetService;
import org.springframework.security.core.context.SecurityContextHolder;

@ExtendWith(OutputCaptureExtension.class)
class ActionTrailAutoConfigurationTest {

    private static final AutoConfigurations ALL = TestAutoConfigurations.ALL;

    // a journal per test: one left in ./actiontrail-data by an earlier build would replay its backlog into this one
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(ALL)
            .withPropertyValues(
                    "spring.application.name=orders", "actiontrail.data-dir=target/test-journal/" + UUID.randomUUID());

    private static WebApplicationContextRunner webRunner() {
        return new WebApplicationContextRunner()
                .withPropertyValues("actiontrail.data-dir=target/test-journal/" + UUID.randomUUID());
    }

    @Test
    void startsWithOneSlf4jTrailWhenNothingIsConfigured() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ActionTrail.class);
            List<Trail> trails = context.getBean(ActionTrail.class).trails();
            assertThat(trails).extracting(Trail::name).containsExactly("main");
            assertThat(trails.get(0).sinks()).containsOnlyKeys("slf4j");
            assertThat(trails.get(0).sinks().get("slf4j")).isInstanceOf(Slf4jAuditSink.class);
        });
    }

    @Test
    void bindsTrailsAndSinksFromProperties() {
        runner.withPropertyValues(
                        "actiontrail.service-name=billing",
                        "actiontrail.region=cn-hangzhou",
                        "actiontrail.retention=30d",
                        "actiontrail.memory-capacity=8MB",
                        "actiontrail.capture.redact-keys=pin,password",
                        "actiontrail.sinks.log.type=slf4j",
                        "actiontrail.sinks.log.logger-name=audit.orders",
                        "actiontrail.sinks.log.level=debug",
                        "actiontrail.trails.writes.event-rw=write",
                        "actiontrail.trails.writes.include-events=Create*,Delete*",
                        "actiontrail.trails.writes.event-types=ApiCall,console-operation",
                        "actiontrail.trails.writes.sinks=log",
                        "actiontrail.trails.everything.sinks=log")
                .withBean("memory", InMemoryAuditSink.class, InMemoryAuditSink::create)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ActionTrail actionTrail = context.getBean(ActionTrail.class);
                    assertThat(actionTrail.trails()).extracting(Trail::name).containsExactly("writes", "everything");
                    Trail writes = actionTrail.trails().get(0);
                    assertThat(writes.selector().readWriteType()).isEqualTo(EventSelector.ReadWriteType.WRITE);
                    assertThat(writes.selector().includeEventNames()).containsExactly("Create*", "Delete*");
                    assertThat(writes.selector().eventTypes()).hasSize(2);
                    assertThat(writes.sinks()).containsOnlyKeys("log");
                    assertThat(writes.sinks().get("log"))
                            .isNotSameAs(actionTrail.trails().get(1).sinks().get("log"));
                    assertThat(context.getBean(ActionTrailProperties.class).getRetention())
                            .isEqualTo(Duration.ofDays(30));
                });
    }

    @Test
    void sinkBeansTrailBeansAndCustomizersAreUsed() {
        InMemoryAuditSink extra = InMemoryAuditSink.create();
        runner.withBean("memory", InMemoryAuditSink.class, InMemoryAuditSink::create)
                .withBean(
                        ActionTrailBuilderCustomizer.class,
                        () -> builder ->
                                builder.trail(Trail.builder("extra").sink(extra).build()))
                .run(context -> {
                    ActionTrail actionTrail = context.getBean(ActionTrail.class);
                    assertThat(actionTrail.trails()).extracting(Trail::name).containsExactly("main", "extra");
                    assertThat(actionTrail.trails().get(0).sinks()).containsOnlyKeys("memory");
                    actionTrail.record(AuditEvent.builder("Ping").build());
                    await().until(() -> extra.size() == 1);
                    await().until(() -> context.getBean(InMemoryAuditSink.class).size() == 1);
                });
        runner.withBean(Trail.class, () -> Trail.builder("mine").sink(extra).build())
                .run(context -> assertThat(context.getBean(ActionTrail.class).trails())
                        .extracting(Trail::name)
                        .containsExactly("mine"));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnInstanceOrIsDisabled() {
        runner.withBean(ActionTrail.class, () -> ActionTrail.builder()
                        .serviceName("own")
                        .durability(Durability.MEMORY)
                        .shutdownHook(false)
                        .trail(Trail.builder("own")
                                .sink(InMemoryAuditSink.create())
                                .build())
                        .build())
                .run(context -> assertThat(context.getBean(ActionTrail.class).trails())
                        .extracting(Trail::name)
                        .containsExactly("own"));
        runner.withPropertyValues("actiontrail.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(ActionTrail.class)
                .doesNotHaveBean("actionTrailAuditedAdvisor")
                .doesNotHaveBean("actionTrailMetrics"));
    }

    @Test
    void unknownSinkTypeFailsStartUpNamingTheProperty() {
        runner.withPropertyValues("actiontrail.sinks.pigeon.type=carrier-pigeon")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("actiontrail.sinks.pigeon.type")
                        .hasMessageContaining("unknown sink type")
                        .hasMessageContaining("[kafka, opensearch, s3, slf4j, sls, webhook]"));
        runner.withPropertyValues("actiontrail.sinks.oss.bucket=audit").run(context -> assertThat(context)
                .getFailure()
                .rootCause()
                .hasMessageContaining("actiontrail.sinks.oss.type"));
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        expectFailure("actiontrail.durability=fast", "actiontrail.durability");
        expectFailure("actiontrail.retention=10m", "actiontrail.retention");
        expectFailure("actiontrail.max-argument-depth=0", "actiontrail.max-argument-depth");
        expectFailure("actiontrail.trails.main.sinks=nowhere", "actiontrail.trails.main.sinks");
        expectFailure("actiontrail.trails.main.event-rw=sometimes", "actiontrail.trails.main.event-rw");
        expectFailure("actiontrail.trails.bad name.sinks=x", "actiontrail.trails");
        expectFailure(
                "actiontrail.sinks.log.type=slf4j",
                "actiontrail.sinks.log.logger-name",
                "actiontrail.sinks.log.logger-name= ");
    }

    private void expectFailure(String property, String named, String... more) {
        runner.withPropertyValues(property).withPropertyValues(more).run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .satisfies(failure -> assertThat(failureMessages(failure)).contains(named)));
    }

    private static String failureMessages(@Nullable Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void badTrustedProxiesFailStartUpNamingTheProperty() {
        webRunner()
                .withConfiguration(ALL)
                .withPropertyValues("actiontrail.capture.trusted-proxies=10.0.0.0/8,proxy.example.com")
                .run(context -> assertThat(failureMessages(context.getStartupFailure()))
                        .contains("actiontrail.capture.trusted-proxies")
                        .contains("proxy.example.com"));
    }

    @Test
    void eachOptionalPartBacksOffWhenItsLibraryIsAbsent() {
        runner.run(context -> assertThat(context)
                .hasBean("actionTrailIdentityProvider")
                .hasBean("actionTrailSignInListener")
                .hasBean("actionTrailMetrics")
                .hasBean("actionTrailHealthContributor")
                .hasBean("slf4jAuditSinkFactory"));
        runner.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean("actionTrailIdentityProvider")
                        .doesNotHaveBean("actionTrailSignInListener"));
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("actionTrailMetrics"));
        // a sink type whose module is absent is unknown, and says so
        runner.withClassLoader(new FilteredClassLoader(Slf4jAuditSink.class))
                .withPropertyValues("actiontrail.sinks.log.type=slf4j")
                .run(context -> assertThat(failureMessages(context.getStartupFailure()))
                        .contains("actiontrail.sinks.log.type")
                        .contains("unknown sink type"));
        // not a web application: no request capture
        runner.run(context -> assertThat(context)
                .doesNotHaveBean("actionTrailContextFilter")
                .doesNotHaveBean("actionTrailControllerInterceptor"));
        webRunner().withConfiguration(ALL).run(context -> assertThat(context)
                .hasBean("actionTrailContextFilter")
                .hasBean("actionTrailControllerInterceptor"));
        webRunner()
                .withConfiguration(ALL)
                .withPropertyValues("actiontrail.capture.controllers=false")
                .run(context -> assertThat(context)
                        .hasBean("actionTrailContextFilter")
                        .doesNotHaveBean("actionTrailControllerInterceptor"));
        runner.withPropertyValues("actiontrail.capture.sign-in-events=false").run(context -> assertThat(context)
                .hasBean("actionTrailIdentityProvider")
                .doesNotHaveBean("actionTrailSignInListener"));
    }

    @Test
    void auditsAnnotatedBeanMethodsWithExpressions() {
        runner.withBean("memory", InMemoryAuditSink.class, InMemoryAuditSink::create)
                .withBean(AuditedServices.OrderService.class)
                .run(context -> {
                    AuditedServices.OrderService orders = context.getBean(AuditedServices.OrderService.class);
                    InMemoryAuditSink sink = context.getBean(InMemoryAuditSink.class);
                    AuditedServices.Order order = orders.create("sku-1", 2);
                    orders.describe(order);
                    orders.setPin("c-1", "1234");
                    orders.unaudited();
                    try {
                        orders.create("sku-2", 0);
                    } catch (IllegalArgumentException expected) {
                        // the caller sees the method's own exception
                    }
                    await().until(() -> sink.size() == 4);
                    List<AuditEvent> events = sink.events();
                    AuditEvent created = events.get(0);
                    assertThat(created.eventName()).isEqualTo("CreateOrder");
                    assertThat(created.resourceType()).isEqualTo("Order");
                    assertThat(created.resourceName()).isEqualTo("o-sku-1");
                    assertThat(created.requestParameters()).containsEntry("sku", "sku-1");
                    assertThat(created.outcome()).isEqualTo(Outcome.SUCCESS);
                    AuditEvent described = events.get(1);
                    assertThat(described.eventName()).isEqualTo("OrderService.describe");
                    assertThat(described.eventRW()).isEqualTo(EventRW.READ);
                    assertThat(described.resourceName()).isEqualTo("o-sku-1");
                    AuditEvent pin = events.get(2);
                    assertThat(pin.resourceName()).isEqualTo("setPin");
                    assertThat(pin.requestParameters()).containsEntry("pin", "<redacted>");
                    AuditEvent failed = events.get(3);
                    assertThat(failed.outcome()).isEqualTo(Outcome.FAILURE);
                    assertThat(failed.errorCode()).isEqualTo("IllegalArgumentException");
                    assertThat(failed.resourceName()).isNull();
                });
    }

    @Test
    void invalidExpressionFailsStartUpNamingTheMethod() {
        runner.withBean(AuditedServices.Misconfigured.class)
                .run(context -> assertThat(failureMessages(context.getStartupFailure()))
                        .contains("#ordr")
                        .contains("Misconfigured.ship"));
    }

    @Test
    void warnsAboutFinalMethodsAndSelfInvocationNamingTheMethod(CapturedOutput output) {
        runner.withBean(AuditedServices.BlindSpots.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output)
                    .contains(
                            "@Audited method io.actiontrail.spring.AuditedServices$BlindSpots.refund(String) is final")
                    .contains("@Audited method io.actiontrail.spring.AuditedServices$BlindSpots.cancel(String) is"
                            + " called from BlindSpots.cancelAll on the same object");
        });
    }

    @Test
    void checksBeansInPackagesUnderOrgSpringframeworkLikeAnyOtherAndCountsWhatIsAudited(CapturedOutput output) {
        runner.withBean(VetService.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(output)
                    .contains("@Audited method org.springframework.samples.petclinic.vet.VetService.retire(String) is"
                            + " final");
            AuditCoverage.Report methods = context.getBeanProvider(AuditCoverage.class)
                    .orderedStream()
                    .map(AuditCoverage::report)
                    .filter(r -> r.kind().equals("@Audited methods"))
                    .findFirst()
                    .orElseThrow();
            assertThat(methods.found()).isEqualTo(2);
            assertThat(methods.audited()).isEqualTo(1);
            assertThat(methods.warnings()).singleElement().asString().contains("1 @Audited method cannot be");
        });
    }

    @Test
    void doesNotMistakeAnInterfaceBasedProxyForFinalMethods(CapturedOutput output) {
        AuditedServices.Greeter proxy = (AuditedServices.Greeter) java.lang.reflect.Proxy.newProxyInstance(
                AuditedServices.Greeter.class.getClassLoader(),
                new Class<?>[] {AuditedServices.Greeter.class},
                (p, method, args) -> "hello");
        runner.withBean(AuditedServices.Greeter.class, () -> proxy).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(AuditedServices.Greeter.class).greet("ada"))
                    .isEqualTo("hello");
            assertThat(output).doesNotContain("is final").doesNotContain("Greeter.greet");
        });
    }

    @Test
    void metersCountRecordedDeliveredFailedAndPendingByTrailAndSink() {
        InMemoryAuditSink sink = InMemoryAuditSink.builder().name("memory").build();
        sink.failNext(1, true);
        runner.withBean("memory", AuditSink.class, () -> sink).run(context -> {
            ActionTrail actionTrail = context.getBean(ActionTrail.class);
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("actionTrailMetrics", MeterBinder.class).bindTo(registry);
            actionTrail.record(AuditEvent.builder("Ping").build());
            actionTrail.record(AuditEvent.builder("Pong").build());
            await().until(() -> sink.size() == 2);
            assertThat(registry.get("actiontrail.events.recorded")
                            .tag("trail", "main")
                            .tag("sink", "memory")
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(registry.get("actiontrail.events.delivered")
                            .tag("sink", "memory")
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(registry.get("actiontrail.delivery.failures")
                            .tag("sink", "memory")
                            .functionCounter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("actiontrail.events.pending").gauge().value())
                    .isZero();
            assertThat(registry.get("actiontrail.events.dropped")
                            .tag("reason", "rejected")
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(registry.get("actiontrail.capture.recorded")
                            .functionCounter()
                            .count())
                    .isEqualTo(2.0);
            assertThat(registry.find("actiontrail.events.oldest.pending.age").timeGauge())
                    .isNotNull();
        });
    }
}
