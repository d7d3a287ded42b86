package io.actiontrail.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathResourcesTest {

    @Test
    void theLastCollectionAndVariableIsTheResourceAndEveryPairIsReferenced() {
        PathResources.Resources r =
                PathResources.of("/owners/{ownerId}/pets/{petId}", Map.of("ownerId", "7", "petId", "3"), null);
        assertThat(r.type()).isEqualTo("Pet");
        assertThat(r.name()).isEqualTo("3");
        assertThat(r.referenced()).isEqualTo(Map.of("Owner", List.of("7"), "Pet", List.of("3")));
    }

    @Test
    void anActionAfterTheLastPairActsOnThatResource() {
        assertThat(PathResources.of("/owners/{ownerId}/edit", Map.of("ownerId", "7"), "/owners/7"))
                .isEqualTo(new PathResources.Resources("Owner", "7", Map.of("Owner", List.of("7"))));
        assertThat(PathResources.of("/orders/{id}/status", Map.of("id", "o-1"), null))
                .as("status is no collection")
                .isEqualTo(new PathResources.Resources("Order", "o-1", Map.of("Order", List.of("o-1"))));
    }

    @Test
    void aCollectionAfterTheLastPairIsACreationNamedFromTheRedirect() {
        assertThat(PathResources.of("/owners/{ownerId}/pets/new", Map.of("ownerId", "7"), "/owners/7/pets/12"))
                .isEqualTo(
                        new PathResources.Resources("Pet", "12", Map.of("Owner", List.of("7"), "Pet", List.of("12"))));
        assertThat(PathResources.of("/owners/new", Map.of(), "http://clinic.example.com/owners/1?created"))
                .isEqualTo(new PathResources.Resources("Owner", "1", Map.of("Owner", List.of("1"))));
        assertThat(PathResources.of("/api/v1/orders", Map.of(), null))
                .isEqualTo(new PathResources.Resources("Order", null, Map.of()));
        assertThat(PathResources.of("/owners/{ownerId}/visits", Map.of("ownerId", "7"), null))
                .as("no redirect: a creation without a name")
                .isEqualTo(new PathResources.Resources("Visit", null, Map.of("Owner", List.of("7"))));
    }

    @Test
    void typesAreSingularPascalCase() {
        assertThat(PathResources.typeOf("order-items")).isEqualTo("OrderItem");
        assertThat(PathResources.typeOf("access_keys")).isEqualTo("AccessKey");
        assertThat(PathResources.typeOf("categories")).isEqualTo("Category");
        assertThat(PathResources.typeOf("addresses")).isEqualTo("Address");
        assertThat(PathResources.typeOf("boxes")).isEqualTo("Box");
        assertThat(PathResources.typeOf("Users")).isEqualTo("User");
    }

    @Test
    void variablesWithPatternsCount() {
        assertThat(PathResources.of("/invoices/{id:\\d+}", Map.of("id", "42"), null)
                        .name())
                .isEqualTo("42");
    }

    @Test
    void pathsOutsideTheConventionNameNoResource() {
        assertThat(PathResources.of("/ping", Map.of(), null)).isEqualTo(PathResources.Resources.NONE);
        assertThat(PathResources.of("/files/{*path}", Map.of("path", "/a/b"), null)
                        .name())
                .isNull();
        assertThat(PathResources.of("/order/{id}", Map.of("id", "1"), null))
                .as("a singular segment is no collection")
                .isEqualTo(PathResources.Resources.NONE);
        assertThat(PathResources.of("/orders/{id}", Map.of(), null))
                .as("a variable the request does not have")
                .isEqualTo(new PathResources.Resources("Order", null, Map.of()));
    }

    @Test
    void aHugeOrMalformedValueNeverMakesAHugeEventOrAnError() {
        String huge = "x".repeat(10_000);
        PathResources.Resources r = PathResources.of("/orders/{id}", Map.of("id", huge), null);
        assertThat(r.name()).hasSize(PathResources.MAX_ID);
        assertThat(PathResources.of("/orders/new", Map.of(), "::not a uri %%").name())
                .isNull();
        assertThat(PathResources.of("/orders/new", Map.of(), "/orders/" + huge).name())
                .hasSize(PathResources.MAX_ID);
    }
}
