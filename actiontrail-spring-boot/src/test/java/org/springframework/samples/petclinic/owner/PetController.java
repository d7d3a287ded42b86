package org.springframework.samples.petclinic.owner;

import jakarta.validation.Valid;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Controller;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/** The sample clinic's form flow: an invalid form is rendered again with 200, a valid one redirects. */
@Controller
public class PetController {

    static final String FORM = "pets/createOrUpdatePetForm";

    private final Map<Integer, String> pets = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    @PostMapping("/owners/{ownerId}/pets/new")
    public String processCreationForm(
            @PathVariable int ownerId, @Valid @ModelAttribute("pet") Pet pet, BindingResult result) {
        if (result.hasErrors()) {
            return FORM;
        }
        int id = ids.incrementAndGet();
        pets.put(id, pet.getName());
        return "redirect:/owners/" + ownerId + "/pets/" + id;
    }
}
