package io.actiontrail;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Guards the layering that DESIGN.md and STYLE.md promise. */
class ArchitectureTest {

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
                .check(CORE);
    }
}
