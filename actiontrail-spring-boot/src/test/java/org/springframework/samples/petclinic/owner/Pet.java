package org.springframework.samples.petclinic.owner;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** A pet form, validated as the sample clinic validates its forms. */
public class Pet {

    @NotBlank
    private String name = "";

    @Pattern(regexp = "cat|dog|lizard|snake|bird|hamster")
    private String type = "";

    /** A field whose value is never to be recorded, even when it fails validation. */
    @Pattern(regexp = "\\d{15}")
    private String microchipSecret = "";

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getMicrochipSecret() {
        return microchipSecret;
    }

    public void setMicrochipSecret(String microchipSecret) {
        this.microchipSecret = microchipSecret;
    }
}
