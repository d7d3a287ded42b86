package org.springframework.samples.petclinic;

import io.actiontrail.test.InMemoryAuditSink;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application shaped like the well-known sample clinic: form controllers in a package under
 * {@code org.springframework.}, another part under {@code io.spring.}, no authentication. The starter must audit it as
 * any other application: a package prefix an application can share never excludes a handler.
 */
@SpringBootApplication(scanBasePackages = {"org.springframework.samples.petclinic", "io.spring.sample"})
public class PetClinicLikeApp {

    /** The events, read by the tests. */
    @Bean
    InMemoryAuditSink testSink() {
        return InMemoryAuditSink.create();
    }

    /** Spring Security is on the tests' classpath; this application has no authentication, as the sample has none. */
    @Bean
    SecurityFilterChain openToAll(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .build();
    }
}
