package io.actiontrail.spring.autoconfigure.sink.s3.archive;

import io.actiontrail.Audited;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Documents over HTTP and a retention service, audited by the starter; where the events go is entirely up to the
 * {@code actiontrail.*} properties the test starts it with.
 */
@SpringBootApplication
public class ArchiveApp {

    /** A document. */
    public record Document(String id) {}

    /** Everything is open: the test is about where events go, not who may call. */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .build();
    }

    @Bean
    RetentionService retentionService() {
        return new RetentionService();
    }

    /** Audited through {@code @Audited} on a bean. */
    public static class RetentionService {
        /** Puts a document on legal hold. */
        @Audited(eventName = "PutLegalHold", resourceType = "Document", resourceName = "#documentId")
        public void hold(String documentId) {}
    }

    /** Audited as a controller: every POST becomes a Write event named after the handler. */
    @RestController
    static class Documents {
        @PostMapping("/documents/{id}")
        Document createDocument(@PathVariable String id) {
            return new Document(id);
        }
    }
}
