package io.actiontrail.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;

/** When the API is served, and how it refuses to start rather than be open. */
class ConsoleConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ActionTrailAutoConfiguration.class, ActionTrailConsoleAutoConfiguration.class))
            .withPropertyValues("actiontrail.durability=memory");

    private static final String TOKEN = "s3cret-token-for-tests";
    private static final String TOKEN_SHA256 = HexFormat.of().formatHex(TokenConsoleAccess.sha256(TOKEN));

    @Test
    void offUnlessEnabled() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ConsoleApiFilter.class));
        runner.withPropertyValues("actiontrail.console.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ConsoleApiFilter.class));
    }

    @Test
    void withSpringSecurityItNeedsTheAuthority() {
        runner.withPropertyValues("actiontrail.console.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(ConsoleApiFilter.class));
    }

    @Test
    void withoutSpringSecurityItRefusesToStartWithoutATokenHash() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("actiontrail.console.enabled=true")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("actiontrail.console.token-sha256")
                        .hasMessageContaining("without Spring Security"));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("actiontrail.console.enabled=true", "actiontrail.console.token-sha256=" + TOKEN)
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("64 hexadecimal digits")
                        .hasMessageNotContaining(TOKEN));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues(
                        "actiontrail.console.enabled=true", "actiontrail.console.token-sha256=" + TOKEN_SHA256)
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(ConsoleApiFilter.class));
    }

    @Test
    void aBadPathIsRefusedAtStart() {
        runner.withPropertyValues("actiontrail.console.enabled=true", "actiontrail.console.path=actiontrail/")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .rootCause()
                        .hasMessageContaining("actiontrail.console.path"));
    }

    @Test
    void theTokenIsComparedByItsHashOnly() {
        TokenConsoleAccess access = new TokenConsoleAccess(TOKEN_SHA256.toUpperCase(java.util.Locale.ROOT));
        MockHttpServletRequest request = new MockHttpServletRequest();
        assertThatThrownBy(() -> access.check(request))
                .isInstanceOf(ConsoleAccess.Refused.class)
                .hasMessage("a bearer token is required");
        request.addHeader("Authorization", "Bearer wrong");
        assertThatThrownBy(() -> access.check(request))
                .hasMessage("the bearer token is not valid")
                .hasMessageNotContaining("wrong");
        MockHttpServletRequest good = new MockHttpServletRequest();
        good.addHeader("Authorization", "bearer " + TOKEN);
        access.check(good);
        MockHttpServletRequest basic = new MockHttpServletRequest();
        basic.addHeader("Authorization", "Basic " + TOKEN);
        assertThatThrownBy(() -> access.check(basic)).hasMessage("a bearer token is required");
    }
}
