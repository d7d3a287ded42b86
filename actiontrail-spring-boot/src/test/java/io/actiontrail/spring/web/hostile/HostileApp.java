package io.actiontrail.spring.web.hostile;

import io.actiontrail.spring.web.WebApps;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Handlers that take what a hostile or careless client sends, for the tests that the capture survives it. */
@SpringBootApplication
@Import(WebApps.Open.class)
public class HostileApp {

    /** A request body whose getter and toString throw, as a broken or lazy-loading object does. */
    public static final class Booby {
        private String name = "";
        private final boolean broken = true;

        public String getName() {
            if (broken) {
                throw new IllegalStateException("getter blew up");
            }
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int nameLength() {
            return name.length();
        }

        @Override
        public String toString() {
            if (broken) {
                throw new IllegalStateException("toString blew up");
            }
            return name;
        }
    }

    @RestController
    static class Notes {
        @PostMapping("/notes/{noteId}")
        String updateNote(@PathVariable String noteId, @RequestParam String text) {
            return noteId.length() + "/" + text.length();
        }

        @PostMapping("/boobies")
        String createBooby(@RequestBody Booby booby) {
            return "accepted " + booby.nameLength();
        }
    }
}
