package io.spring.sample.visits;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A handler in a package under {@code io.spring.}, which an application may share with the framework's samples. */
@RestController
public class VisitController {

    @PostMapping("/owners/{ownerId}/visits")
    @ResponseStatus(HttpStatus.CREATED)
    public String addVisit(@PathVariable int ownerId, @RequestParam String description) {
        return "visit of " + ownerId + ": " + description;
    }
}
