package io.actiontrail.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shape of this module that docs/architecture.md states: packages by concern without cycles, one package per sink
 * type that knows no other, and a small public surface: the auto-configurations, the properties, and the few types
 * applications implement or call.
 */
class SpringPackagesTest {

    private static final JavaClasses SPRING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.actiontrail.spring");

    /** What applications implement or call, besides the auto-configurations and the properties. */
    private static final Set<String> PUBLIC_API = Set.of(
            "io.actiontrail.spring.AuditIdentityProvider",
            "io.actiontrail.spring.ReactiveAuditIdentityProvider",
            "io.actiontrail.spring.AuditedMethods",
            "io.actiontrail.spring.AuditCoverage",
            "io.actiontrail.spring.ConsoleTenantResolver",
            "io.actiontrail.spring.autoconfigure.ActionTrailBuilderCustomizer",
            "io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory",
            "io.actiontrail.spring.autoconfigure.sink.SinkDefinition",
            "io.actiontrail.spring.autoconfigure.sink.SinkSettings",
            "io.actiontrail.spring.autoconfigure.sink.BatchSettings",
            "io.actiontrail.spring.autoconfigure.sink.HttpSinkSettings",
            "io.actiontrail.spring.autoconfigure.sink.SinkTypes",
            // the readings each Spring Boot line's health types adapt; actiontrail-spring-boot3 adapts Boot 3.5's
            "io.actiontrail.spring.actuate.ActionTrailHealth");

    @Test
    void autoConfigurationsArePublicFinalAndRegistered() {
        classes()
                .that()
                .haveSimpleNameEndingWith("AutoConfiguration")
                .should()
                .bePublic()
                .andShould()
                .haveModifier(JavaModifier.FINAL)
                .andShould()
                .beAnnotatedWith(org.springframework.boot.autoconfigure.AutoConfiguration.class)
                .check(SPRING);
    }

    @Test
    void nothingElseIsPublic() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .haveSimpleNameEndingWith("AutoConfiguration")
                .orShould()
                .haveSimpleNameEndingWith("Properties")
                .orShould()
                .haveFullyQualifiedName("io.actiontrail.spring.AuditIdentityProvider")
                .orShould(com.tngtech.archunit.lang.conditions.ArchConditions.be(
                        com.tngtech.archunit.base.DescribedPredicate.describe(
                                "listed in PUBLIC_API", c -> PUBLIC_API.contains(c.getName()))))
                .check(SPRING);
    }

    @Test
    void packagesByConcernHaveNoCycles() {
        slices().matching("io.actiontrail.spring.(*)..")
                .should()
                .beFreeOfCycles()
                .check(SPRING);
    }

    @Test
    void sinkTypesKnowNoOtherSinkType() {
        slices().matching("io.actiontrail.spring.autoconfigure.sink.(*)..")
                .should()
                .notDependOnEachOther()
                .check(SPRING);
    }

    @Test
    void theConcernsDoNotReachIntoEachOther() {
        for (String concern : new String[] {"aop", "web", "security", "actuate"}) {
            noClasses()
                    .that()
                    .resideInAPackage("io.actiontrail.spring." + concern + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(java.util.stream.Stream.of("aop", "web", "security", "actuate")
                            .filter(other -> !other.equals(concern))
                            .map(other -> "io.actiontrail.spring." + other + "..")
                            .toArray(String[]::new))
                    .because("each concern builds on autoconfigure and core only")
                    .check(SPRING);
        }
    }
}
