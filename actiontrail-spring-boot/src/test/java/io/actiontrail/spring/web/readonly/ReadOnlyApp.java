package io.actiontrail.spring.web.readonly;

import io.actiontrail.spring.web.WebApps;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A web application whose handlers only read: with read methods off, the starter audits none of them. */
@SpringBootApplication
@Import(WebApps.Open.class)
public class ReadOnlyApp {

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
