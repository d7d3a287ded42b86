package io.actiontrail;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import io.actiontrail.internal.InternalApi;
import org.junit.jupiter.api.Test;

/** Guards the layering that DESIGN.md and STYLE.md promise. */
class ArchitectureTest {

    /** The packages of the public API; everything else in core is under {@code io.actiontrail.internal}. */
    private static final String[] API_PACKAGES = {
        "io.actiontrail",
        "io.actiontrail.capture",
        "io.actiontrail.format",
        "io.actiontrail.integrity",
        "io.actiontrail.trail",
        "io.actiontrail.query",
        "io.actiontrail.sink",
        "io.actiontrail.sink.slf4j"
    };

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.actiontrail");

    @Test
    void coreDependsOnNoFrameworkAndNoDestinationClient() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..", "okhttp3..", "software.amazon..", "com.aliyun..", "org.opensearch..")
                .check(CORE);
    }

    @Test
    void subpackagesAreFreeOfCycles() {
        // The root package is the API facade and event model every subpackage builds on; cycles are checked among
        // the subpackages, which must stay independent layers.
        slices().matching("io.actiontrail.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void enginePackagesAreFreeOfCycles() {
        slices().matching("io.actiontrail.internal.(*)..")
                .should()
                .beFreeOfCycles()
                .check(CORE);
    }

    @Test
    void theApiReachesTheEngineOnlyThroughTheFacadeAndTheModelsCodec() {
        // ActionTrail (with its builder) is the composition root: it builds the engine. AuditEvent owns its wire form
        // and its redaction, which live in internal.codec and internal.capture next to the engine that shares them.
        // Every other API type, SPI and value stays free of the engine; docs/architecture.md records why and what
        // moving the model out of the root package would change.
        noClasses()
                .that()
                .resideInAnyPackage(API_PACKAGES)
                .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(ActionTrail.class, AuditEvent.class)))
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.actiontrail.internal..")
                .check(CORE);
    }

    @Test
    void publicEngineTypesAreMarkedAsUnsupported() {
        classes()
                .that()
                .resideInAPackage("io.actiontrail.internal..")
                .and()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .and()
                .doNotHaveFullyQualifiedName(InternalApi.class.getName())
                .should()
                .beAnnotatedWith(InternalApi.class)
                .check(CORE);
    }

    @Test
    void theEngineIsNotUsedFromTheSinkSpiOrTheQueryApi() {
        noClasses()
                .that()
                .resideInAnyPackage("io.actiontrail.sink..", "io.actiontrail.query..", "io.actiontrail.trail..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.actiontrail.internal..")
                .check(CORE);
    }

    @Test
    void theSinkSpiKnowsNothingOfTrails() {
        noClasses()
                .that()
                .resideInAPackage("io.actiontrail.sink..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.actiontrail.trail..")
                .check(CORE);
    }

    @Test
    void publicClassesAreFinal() {
        classes()
                .that()
                .arePublic()
                .and()
                .areNotInterfaces()
                .and()
                .areNotEnums()
                .and()
                .areNotRecords()
                .and()
                .areNotAnnotations()
                .and()
                .areNotAnonymousClasses()
                .should()
                .haveModifier(JavaModifier.FINAL)
                .orShould(ArchConditions.be(DescribedPredicate.describe(
                        "an abstract base of the sink SPI",
                        c -> c.getModifiers().contains(JavaModifier.ABSTRACT)
                                && c.getPackageName().equals("io.actiontrail.sink"))))
                .check(CORE);
    }
}
