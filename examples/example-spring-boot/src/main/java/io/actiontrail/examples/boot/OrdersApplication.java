package io.actiontrail.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An orders and customers service with two users, {@code alice} (admin) and {@code bob}, signing in with HTTP basic or
 * the login form. Auditing needs nothing but the starter on the classpath and {@code @Audited} where the business
 * operations are: controller calls, sign-ins and sign-outs are recorded and logged as JSON lines.
 *
 * <p>Thread-safe: a Spring configuration.
 */
@SpringBootApplication
@EnableMethodSecurity
public class OrdersApplication {

    /** Runs the service. */
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    @Bean
    UserDetailsService users() {
        // demo users; a real service keeps hashed passwords
        return new InMemoryUserDetailsManager(
                User.withUsername("alice")
                        .password("{noop}alice-pw")
                        .roles("ADMIN", "USER")
                        .build(),
                User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .httpBasic(Customizer.withDefaults())
                .formLogin(Customizer.withDefaults())
                // an API for curl: no CSRF tokens (a browser-facing app keeps CSRF protection on)
                .csrf(csrf -> csrf.disable())
                .build();
    }
}
