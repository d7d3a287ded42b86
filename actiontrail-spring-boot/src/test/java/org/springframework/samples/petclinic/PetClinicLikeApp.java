package org.springframework.samples.petclinic;

import io.actiontrail.spring.web.WebApps;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.View;

/**
 * An application shaped like the well-known sample clinic: form controllers in a package under
 * {@code org.springframework.}, another part under {@code io.spring.}, no authentication. The starter must audit it as
 * any other application: a package prefix an application can share never excludes a handler.
 */
@SpringBootApplication(scanBasePackages = {"org.springframework.samples.petclinic", "io.spring.sample"})
@Import(WebApps.Open.class)
public class PetClinicLikeApp {

    /** The form view the pet form is rendered again with; Spring Boot resolves views by bean name. */
    @Bean("pets/createOrUpdatePetForm")
    View petForm() {
        return new View() {
            @Override
            public String getContentType() {
                return "text/plain";
            }

            @Override
            public void render(@Nullable Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setContentType(getContentType());
                response.getWriter().write("form with errors");
            }
        };
    }
}
