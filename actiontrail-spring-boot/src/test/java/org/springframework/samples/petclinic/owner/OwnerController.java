package org.springframework.samples.petclinic.owner;

import io.actiontrail.Audited;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** Form handlers as the sample clinic writes them: post a form, redirect to the result. */
@Controller
public class OwnerController {

    private final Map<Integer, String> owners = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    @PostMapping("/owners/new")
    public String processCreationForm(@RequestParam String firstName, @RequestParam String lastName) {
        int id = ids.incrementAndGet();
        owners.put(id, firstName + " " + lastName);
        return "redirect:/owners/" + id;
    }

    @PostMapping("/owners/{ownerId}/edit")
    public String processUpdateOwnerForm(@PathVariable int ownerId, @RequestParam String lastName) {
        owners.computeIfPresent(ownerId, (id, name) -> name.substring(0, name.indexOf(' ') + 1) + lastName);
        return "redirect:/owners/" + ownerId;
    }

    /** A read: not audited unless read methods are. */
    @GetMapping("/owners/{ownerId}")
    @ResponseBody
    public String showOwner(@PathVariable int ownerId) {
        return String.valueOf(owners.get(ownerId));
    }

    /**
     * Not a handler: the controller capture never sees its calls, so the starter must say so at start-up instead of
     * leaving the annotation inert without a word.
     */
    @Audited(eventName = "RenameOwners")
    public void renameAll(String suffix) {
        owners.replaceAll((id, name) -> name + suffix);
    }
}
