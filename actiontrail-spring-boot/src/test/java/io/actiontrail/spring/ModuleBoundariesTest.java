package io.actiontrail.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between modules that docs/architecture.md states, checked over every published module on this
 * module's class path: core, the test kit, the sinks and this integration.
 */
class ModuleBoundariesTest {

    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.actiontrail");

    private static final String[] SINKS = {
        "io.actiontrail.sink.s3..",
        "io.actiontrail.sink.sls..",
        "io.actiontrail.sink.opensearch..",
        "io.actiontrail.sink.webhook..",
        "io.actiontrail.sink.kafka.."
    };

    @Test
    void theImportedClassesCoverEveryModule() {
        // a rule over an empty set passes: make sure each module is really here
        for (String type : new String[] {
            "io.actiontrail.ActionTrail",
            "io.actiontrail.test.InMemoryAuditSink",
            "io.actiontrail.sink.s3.S3AuditSink",
            "io.actiontrail.sink.sls.SlsAuditSink",
            "io.actiontrail.sink.opensearch.OpenSearchAuditSink",
            "io.actiontrail.sink.webhook.WebhookAuditSink",
            "io.actiontrail.sink.kafka.KafkaAuditSink",
            "io.actiontrail.spring.autoconfigure.ActionTrailAutoConfiguration"
        }) {
            org.assertj.core.api.Assertions.assertThat(ALL.contain(type))
                    .as(type)
                    .isTrue();
        }
    }

    @Test
    void nothingOutsideCoreUsesCoresEngine() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "io.actiontrail",
                        "io.actiontrail.internal..",
                        "io.actiontrail.trail..",
                        "io.actiontrail.query..",
                        "io.actiontrail.sink",
                        "io.actiontrail.sink.slf4j..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.actiontrail.internal..")
                .check(ALL);
    }

    @Test
    void sinksUseNeitherEachOtherNorSpring() {
        for (String sink : SINKS) {
            String[] others =
                    java.util.Arrays.stream(SINKS).filter(s -> !s.equals(sink)).toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAPackage(sink)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(others)
                    .orShould()
                    .dependOnClassesThat()
                    .resideInAnyPackage("org.springframework..", "io.actiontrail.spring..", "io.actiontrail.test..")
                    .check(ALL);
        }
    }

    @Test
    void theTestKitAndCoreKnowNothingOfSpringOrSinks() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.actiontrail",
                        "io.actiontrail.capture..",
                        "io.actiontrail.internal..",
                        "io.actiontrail.trail..",
                        "io.actiontrail.query..",
                        "io.actiontrail.sink",
                        "io.actiontrail.sink.slf4j..",
                        "io.actiontrail.test..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "io.actiontrail.spring..",
                        "io.actiontrail.sink.s3..",
                        "io.actiontrail.sink.sls..",
                        "io.actiontrail.sink.opensearch..",
                        "io.actiontrail.sink.webhook..",
                        "io.actiontrail.sink.kafka..")
                .check(ALL);
    }
}
