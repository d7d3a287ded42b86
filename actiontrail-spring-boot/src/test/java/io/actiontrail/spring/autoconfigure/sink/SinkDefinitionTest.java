package io.actiontrail.spring.autoconfigure.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SinkDefinitionTest {

    private static SinkDefinition definition(String type) {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("actiontrail.sinks.out.type", type)));
        return SinkDefinition.of("out", type, binder, "orders", null);
    }

    @Test
    void aMissingRequiredSettingFailsNamingThePropertyAndWhatTheTypeNeeds() {
        assertThatThrownBy(() -> definition("webhook").required("url", null, "the receiver's url"))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("actiontrail.sinks.out.url")
                .hasMessageEndingWith("a webhook sink needs the receiver's url");
        assertThatThrownBy(() -> definition("sls").required("project", "  ", "the Log Service project"))
                .hasMessageEndingWith("an sls sink needs the Log Service project");
        assertThatThrownBy(() -> definition("s3").required("bucket", "", "a bucket"))
                .hasMessageEndingWith("an s3 sink needs a bucket");
        assertThatThrownBy(() -> definition("opensearch").required("url", null, "the cluster's url"))
                .hasMessageEndingWith("an opensearch sink needs the cluster's url");
        assertThat(definition("s3").required("bucket", "audit", "a bucket")).isEqualTo("audit");
    }

    @Test
    void theExceptionForAnInvalidValueNamesThePropertyUnderTheSinksPrefix() {
        RuntimeException e = definition("s3").invalid("region", "mars-1", "no such region");
        assertThat(e)
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("actiontrail.sinks.out.region")
                .hasMessageContaining("mars-1")
                .hasMessageContaining("no such region");
    }
}
