package io.actiontrail.benchmarks;

import io.actiontrail.ActionTrail;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.OrderComparator;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.test.web.servlet.setup.DefaultMockMvcBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;

/**
 * The time the controller capture adds to one request, Spring MVC and WebFlux, with the starter ({@code starter=on}: a
 * Spring Boot application with ActionTrail's defaults, the request recorded to a {@code GROUP} journal and
 * delivered to a counting sink rather than the log) and without it ({@code starter=off}: the same application with {@code actiontrail.enabled=false}), in the
 * same run. The request is dispatched in process, through the application's filters, handler mappings and
 * controller, as a server would hand it over (Spring's {@code MockMvc} with the application's servlet filters, and
 * WebFlux's {@code HttpHandler} with its web filters), so that the network does not drown a few microseconds.
 * Sampled: the p50 difference between {@code on} and {@code off} is the figure (the target: at most 5 µs).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WebCaptureBenchmark {

    /** An application with one mutating handler, as Spring MVC and as WebFlux. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({MvcOrders.class, FluxOrders.class})
    public static class WebApp {
        /** The trail's sink: counts what is delivered (an application's only sink replaces the default log). */
        @Bean
        CountingSink benchSink() {
            return new CountingSink();
        }
    }

    /** The Spring MVC handler: {@code POST /orders/{orderId}/ship?carrier=…}. */
    @RestController
    public static class MvcOrders {
        @PostMapping("/mvc/orders/{orderId}/ship")
        public String ship(@PathVariable String orderId, @RequestParam String carrier) {
            return orderId + " shipped by " + carrier;
        }
    }

    /** The WebFlux handler: the same, returning a {@code Mono}. */
    @RestController
    public static class FluxOrders {
        @PostMapping("/flux/orders/{orderId}/ship")
        public Mono<String> ship(@PathVariable String orderId, @RequestParam String carrier) {
            return Mono.just(orderId + " shipped by " + carrier);
        }
    }

    /** Starts the application of one stack, with or without the starter. */
    abstract static class App {
        /** {@code on} or {@code off}. */
        abstract String starter();

        @SuppressWarnings("NullAway.Init")
        Path dir;

        @SuppressWarnings("NullAway.Init")
        ConfigurableApplicationContext app;

        ConfigurableApplicationContext start(String webType) {
            dir = Fixtures.tempDir("bench-web");
            return new SpringApplicationBuilder(WebApp.class)
                    .properties(
                            "spring.main.web-application-type=" + webType,
                            "spring.main.banner-mode=off",
                            "server.port=0",
                            "server.address=127.0.0.1",
                            "logging.level.root=warn",
                            "actiontrail.enabled=" + "on".equals(starter()),
                            "actiontrail.data-dir=" + dir)
                    .run();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if ("on".equals(starter())) {
                CallerCostBenchmark.report("web " + getClass().getSimpleName(), app.getBean(ActionTrail.class));
            }
            app.close();
            Fixtures.deleteRecursively(dir);
        }
    }

    /** The Spring MVC stack through {@code MockMvc} with the application's servlet filters. Thread-safe. */
    @State(Scope.Benchmark)
    public static class Mvc extends App {
        @Param({"off", "on"})
        public String starter = "on";

        @Override
        String starter() {
            return starter;
        }

        @SuppressWarnings("NullAway.Init")
        MockMvc mvc;

        @Setup(Level.Trial)
        public void setUp() {
            app = start("servlet");
            DefaultMockMvcBuilder builder = MockMvcBuilders.webAppContextSetup((WebApplicationContext) app);
            List<jakarta.servlet.Filter> filters = app.getBeansOfType(jakarta.servlet.Filter.class).values().stream()
                    .sorted(OrderComparator.INSTANCE)
                    .toList();
            filters.forEach(builder::addFilters);
            mvc = builder.build();
        }
    }

    /** The WebFlux stack through the application's {@code HttpHandler} (web filters, dispatcher). Thread-safe. */
    @State(Scope.Benchmark)
    public static class Flux extends App {
        @Param({"off", "on"})
        public String starter = "on";

        @Override
        String starter() {
            return starter;
        }

        @SuppressWarnings("NullAway.Init")
        HttpHandler handler;

        @Setup(Level.Trial)
        public void setUp() {
            app = start("reactive");
            handler = WebHttpHandlerBuilder.applicationContext(app).build();
        }
    }

    @Benchmark
    public int mvcShip(Mvc state) throws Exception {
        return state.mvc
                .perform(MockMvcRequestBuilders.post("/mvc/orders/o-42/ship")
                        .param("carrier", "sf-express")
                        .header("User-Agent", "bench/1.0")
                        .with(request -> {
                            request.setRemoteAddr("203.0.113.7");
                            return request;
                        }))
                .andReturn()
                .getResponse()
                .getStatus();
    }

    @Benchmark
    public int fluxShip(Flux state) {
        MockServerHttpRequest request = MockServerHttpRequest.post("/flux/orders/o-42/ship?carrier=sf-express")
                .header("User-Agent", "bench/1.0")
                .remoteAddress(new java.net.InetSocketAddress("203.0.113.7", 40000))
                .build();
        MockServerHttpResponse response = new MockServerHttpResponse();
        state.handler.handle(request, response).block();
        return status(response);
    }

    private static int status(MockServerHttpResponse response) {
        var code = response.getStatusCode();
        return code == null ? 200 : code.value();
    }
}
