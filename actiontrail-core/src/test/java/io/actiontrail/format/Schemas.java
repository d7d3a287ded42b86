package io.actiontrail.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The JSON Schemas the formats are validated against, from the test resources, and a validator for them. */
final class Schemas {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Schemas() {}

    /** The CloudEvents 1.0 JSON Schema, vendored unchanged from the CloudEvents specification repository. */
    static JsonSchema cloudEvents() {
        return draft7(resource("/schemas/cloudevents/cloudevents.json"));
    }

    /** The JSON Schema of CloudTrail's documented record contents, written from AWS's documentation (no official one). */
    static JsonSchema cloudTrail() {
        return draft7(resource("/schemas/cloudtrail/record-contents.schema.json"));
    }

    /** A JSON Schema of OCSF 1.8.0 API Activity, built from the vendored OCSF definition files. */
    static JsonSchema ocsfApiActivity() {
        return draft7(OcsfSchema.build("/schemas/ocsf-1.8.0", "application/api_activity"));
    }

    static JsonSchema draft7(JsonNode schema) {
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema, config);
    }

    /** Returns the validation errors of the JSON text, as readable lines; empty when it is valid. */
    static List<String> errors(JsonSchema schema, byte[] json) {
        Set<ValidationMessage> messages = schema.validate(parse(json));
        return messages.stream().map(ValidationMessage::toString).sorted().toList();
    }

    static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(new String(json, StandardCharsets.UTF_8), e);
        }
    }

    static JsonNode resource(String path) {
        try (InputStream in = Objects.requireNonNull(Schemas.class.getResourceAsStream(path), path)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    static String text(String path) {
        try (InputStream in = Objects.requireNonNull(Schemas.class.getResourceAsStream(path), path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }
}
