package io.actiontrail.spring.console.app;

import io.actiontrail.spring.ConsoleTenantResolver;
import io.actiontrail.test.InMemoryAuditSink;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application with the ActionTrail API and console enabled behind HTTP basic and a login form (the browser's sign-in
 * for the console): {@code auditor} holds the API's authority,
 * {@code bob} does not, and {@code auditor-t1} / {@code auditor-t2} are auditors of one tenant each (the tenant
 * resolver, on with {@code test.tenants=true}, reads the tenant from the user name). With {@code test.archive-down=true}
 * a second sink, {@code archive}, fails every delivery, as a destination that is down.
 */
@SpringBootApplication
public class ConsoleApp {

    @Bean
    @Primary // the sink the tests read; the archive is another
    InMemoryAuditSink testSink() {
        return InMemoryAuditSink.create();
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "test.archive-down")
    InMemoryAuditSink archive() {
        InMemoryAuditSink archive = InMemoryAuditSink.builder().name("archive").build();
        archive.failUntilRecovered(true);
        return archive;
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("auditor")
                        .password("{noop}auditor-pw")
                        .authorities("ROLE_ACTIONTRAIL_AUDITOR")
                        .build(),
                User.withUsername("auditor-t1")
                        .password("{noop}t1-pw")
                        .authorities("ROLE_ACTIONTRAIL_AUDITOR")
                        .build(),
                User.withUsername("auditor-t2")
                        .password("{noop}t2-pw")
                        .authorities("ROLE_ACTIONTRAIL_AUDITOR")
                        .build(),
                User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults())
                .formLogin(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .build();
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "test.tenants")
    ConsoleTenantResolver tenantFromUserName() {
        return request -> {
            String user = request.getUserPrincipal() == null
                    ? null
                    : request.getUserPrincipal().getName();
            return user != null && user.startsWith("auditor-") ? user.substring("auditor-".length()) : null;
        };
    }
}
