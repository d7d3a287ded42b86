package io.actiontrail.spring.web.readonly;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A web application whose handlers only read: with read methods off, the starter audits none of them. */
@SpringBootApplication
public class ReadOnlyApp {

    @Bean
    SecurityFilterChain openToAll(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
    }

    @RestController
    static class Catalog {
        @GetMapping("/products")
        String products() {
            return "[]";
        }

        @GetMapping("/products/count")
        int count() {
            return 0;
        }
    }
}
