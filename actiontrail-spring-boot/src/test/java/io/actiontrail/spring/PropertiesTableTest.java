package io.actiontrail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actiontrail.spring.autoconfigure.ActionTrailProperties;
import io.actiontrail.spring.autoconfigure.sink.AuditSinkFactory;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Keeps the properties table of this module's README equal to what binds: the top-level properties as the generated
 * configuration metadata lists them, a trail's settings, and each sink type's settings class. A property added to the
 * code without a row, or a row left for a property that is gone, fails here.
 */
class PropertiesTableTest {

    private static final String SINKS = "actiontrail.sinks.<name>.";
    private static final String TRAILS = "actiontrail.trails.<name>.";
    /** A row's sink type: its meaning starts with {@code `s3` sinks:}. */
    private static final Pattern SINK_TYPE = Pattern.compile("^`([a-z0-9-]+)` sinks:");

    private static final List<Row> rows = new ArrayList<>();

    /** One property of the table, with the sink type its row is about ({@code null}: every type, or not a sink). */
    private record Row(String property, String sinkType) {}

    @BeforeAll
    static void readTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf("| property | default | meaning |");
        assertThat(start).as("the README's properties table").isNotNegative();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|", -1);
            String names = cells[1].strip();
            Matcher type = SINK_TYPE.matcher(cells[3].strip());
            String sinkType = type.find() ? type.group(1) : "";
            List<String> properties = expand(names);
            for (String property : properties) {
                rows.add(new Row(property, sinkType));
            }
        }
        assertThat(rows).hasSizeGreaterThan(40);
    }

    /**
     * {@code `actiontrail.a.b` / `c` / `d`} stands for {@code actiontrail.a.b}, {@code actiontrail.a.c} and
     * {@code actiontrail.a.d}; a map's {@code .<key>} is dropped.
     */
    private static List<String> expand(String cell) {
        List<String> out = new ArrayList<>();
        String parent = "";
        for (String part : cell.split(" / ", -1)) {
            String name = part.strip();
            assertThat(name).as("a property cell: " + cell).startsWith("`").endsWith("`");
            name = name.substring(1, name.length() - 1).replaceAll("\\.<(header|key)>$", "");
            if (out.isEmpty()) {
                parent = name.substring(0, name.lastIndexOf('.') + 1);
                out.add(name);
            } else {
                out.add(parent + name);
            }
        }
        return out;
    }

    @Test
    void topLevelRowsAreTheBoundProperties() throws IOException {
        Set<String> bound = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration metadata the build generates").isNotNull();
            for (JsonNode property : new ObjectMapper().readTree(in).get("properties")) {
                String name = property.get("name").asText();
                if (!name.equals("actiontrail.sinks") && !name.equals("actiontrail.trails")) {
                    bound.add(name);
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        for (Row row : rows) {
            if (!row.property().startsWith(SINKS) && !row.property().startsWith(TRAILS)) {
                documented.add(row.property());
            }
        }
        assertThat(documented).isEqualTo(bound);
    }

    @Test
    void trailRowsAreTheTrailSettings() {
        Set<String> documented = new TreeSet<>();
        for (Row row : rows) {
            if (row.property().startsWith(TRAILS)) {
                documented.add(row.property().substring(TRAILS.length()));
            }
        }
        assertThat(documented).isEqualTo(settings(ActionTrailProperties.TrailProperties.class));
    }

    @Test
    void sinkRowsAreEachTypesSettings() {
        Map<String, Set<String>> bound = new java.util.TreeMap<>();
        new ApplicationContextRunner()
                .withConfiguration(TestAutoConfigurations.BASE)
                .withPropertyValues("actiontrail.data-dir=target/test-journal/" + UUID.randomUUID())
                .run(context -> {
                    for (AuditSinkFactory factory :
                            context.getBeansOfType(AuditSinkFactory.class).values()) {
                        Class<?> settingsType = factory.settingsType();
                        if (settingsType == null) {
                            throw new AssertionError(factory.type() + " does not say its settings class");
                        }
                        Set<String> settings = settings(settingsType);
                        settings.add("type");
                        bound.put(factory.type(), settings);
                    }
                });
        assertThat(bound).containsOnlyKeys("slf4j", "s3", "webhook", "opensearch", "sls", "kafka");
        Map<String, Set<String>> documented = new java.util.TreeMap<>();
        for (Row row : rows) {
            if (!row.property().startsWith(SINKS)) {
                continue;
            }
            String setting = row.property().substring(SINKS.length());
            for (String type : bound.keySet()) {
                if (row.sinkType().isEmpty() || row.sinkType().equals(type)) {
                    documented.computeIfAbsent(type, t -> new TreeSet<>()).add(setting);
                }
            }
        }
        assertThat(documented).isEqualTo(bound);
    }

    /** The dashed names of a settings class's writable JavaBean properties. */
    private static Set<String> settings(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getWriteMethod() != null) {
                names.add(property.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }
}
