package io.actiontrail.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Most applications have no Reactor (a Spring MVC application, a batch job): the advisor must load and run there. The
 * module's tests always have Reactor (they test WebFlux), so this test loads the interceptor from a class path without
 * it, as such an application would.
 */
class WithoutReactorTest {

    @Test
    void theInterceptorAndItsConfigurationLoadWithoutReactor() throws Exception {
        List<URL> urls = new ArrayList<>();
        List<String> classPath = Pattern.compile(Pattern.quote(File.pathSeparator))
                .splitAsStream(System.getProperty("java.class.path"))
                .toList();
        for (String entry : classPath) {
            String name = Path.of(entry).getFileName().toString();
            if (!name.startsWith("reactor-") && !name.startsWith("reactive-streams")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader withoutReactor =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(withoutReactor.getResource("reactor/core/publisher/Mono.class"))
                    .isNull();
            Class<?> interceptor = Class.forName(AuditedMethodInterceptor.class.getName(), true, withoutReactor);
            // linking every method of the class resolves what its code names; a Reactor type would fail here
            assertThat(interceptor.getDeclaredMethods()).isNotEmpty();
            Class<?> configuration =
                    Class.forName(ActionTrailAopAutoConfiguration.class.getName(), true, withoutReactor);
            assertThat(configuration.getDeclaredMethods()).isNotEmpty();
        }
    }
}
