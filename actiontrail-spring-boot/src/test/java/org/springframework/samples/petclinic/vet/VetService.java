package org.springframework.samples.petclinic.vet;

import io.actiontrail.Audited;

/** An application's service in a package under {@code org.springframework.}, with a method AOP cannot intercept. */
public class VetService {

    @Audited(eventName = "HireVet")
    public void hire(String name) {}

    @Audited(eventName = "RetireVet")
    public final void retire(String name) {}
}
