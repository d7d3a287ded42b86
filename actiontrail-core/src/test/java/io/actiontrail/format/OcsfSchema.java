package io.actiontrail.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds a draft-07 JSON Schema of one OCSF event class from the OCSF definition files (dictionary, event classes,
 * objects, profiles), as the OCSF server does when it exports JSON Schema: the class's attributes after {@code
 * extends} and {@code $include}, each typed from the dictionary (scalar types with their patterns and ranges, arrays,
 * enumerated {@code _id} values, nested objects), {@code required} attributes required, {@code at_least_one} and
 * {@code just_one} constraints, and no attribute the class or object does not define.
 *
 * <p>An object type whose file is not among the vendored ones is refused outright ({@code false}), so the schema is
 * stricter than the full OCSF schema, never looser. Attributes added by profiles are allowed, never required.
 */
final class OcsfSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String root;
    private final JsonNode dictionary;
    private final Map<String, ObjectNode> definitions = new LinkedHashMap<>();

    private OcsfSchema(String root) {
        this.root = root;
        this.dictionary = Schemas.resource(root + "/dictionary.json");
    }

    /** Returns the JSON Schema of the event class at {@code events/<classPath>.json}. */
    static JsonNode build(String root, String classPath) {
        return new OcsfSchema(root).event(classPath);
    }

    private JsonNode event(String classPath) {
        String path = "events/" + classPath + ".json";
        Map<String, ObjectNode> attributes = eventAttributes(path);
        // as the OCSF server does: the class's own uids replace the base event's enumerations
        JsonNode file = Schemas.resource(root + "/" + path);
        long categoryUid = Schemas.resource(root + "/categories.json")
                .path("attributes")
                .path(category(path))
                .path("uid")
                .asLong();
        long classUid = categoryUid * 1000 + file.get("uid").asLong();
        only(attributes, "category_uid", categoryUid);
        only(attributes, "class_uid", classUid);
        List<Long> types = new ArrayList<>();
        Objects.requireNonNull(attributes.get("activity_id"))
                .get("enum")
                .fieldNames()
                .forEachRemaining(id -> types.add(classUid * 100 + Long.parseLong(id)));
        only(attributes, "type_uid", types.toArray(new Long[0]));
        ObjectNode schema = shape(attributes, null);
        schema.put("$schema", "http://json-schema.org/draft-07/schema#");
        ObjectNode defs = schema.putObject("definitions");
        // objects are added while their references are resolved: copy at the end
        definitions.forEach(defs::set);
        return schema;
    }

    private String category(String path) {
        JsonNode file = Schemas.resource(root + "/" + path);
        if (file.has("category")) {
            return file.get("category").asText();
        }
        String parent = file.get("extends").asText();
        return category(path.substring(0, path.lastIndexOf('/') + 1) + parent + ".json");
    }

    private static void only(Map<String, ObjectNode> attributes, String name, Long... values) {
        ObjectNode enumeration = NODES.objectNode();
        for (Long value : values) {
            enumeration.putObject(Long.toString(value));
        }
        Objects.requireNonNull(attributes.get(name), name).set("enum", enumeration);
    }

    /** The attributes of an event class file, its {@code extends} chain first, by its name or path. */
    private Map<String, ObjectNode> eventAttributes(String path) {
        JsonNode file = Schemas.resource(root + "/" + path);
        Map<String, ObjectNode> attributes = new LinkedHashMap<>();
        JsonNode parent = file.get("extends");
        if (parent != null) {
            String parentName = parent.asText();
            String parentPath = parentName.equals("base_event")
                    ? "events/base_event.json"
                    : path.substring(0, path.lastIndexOf('/') + 1) + parentName + ".json";
            attributes.putAll(eventAttributes(parentPath));
        }
        merge(attributes, file.get("attributes"));
        return attributes;
    }

    /** The attributes of an object, its {@code extends} chain first. */
    private Map<String, ObjectNode> objectAttributes(JsonNode file) {
        Map<String, ObjectNode> attributes = new LinkedHashMap<>();
        JsonNode parent = file.get("extends");
        if (parent != null) {
            JsonNode parentFile = objectFile(parent.asText());
            if (parentFile == null) {
                throw new IllegalStateException("object " + parent.asText() + " is extended but not vendored");
            }
            attributes.putAll(objectAttributes(parentFile));
        }
        merge(attributes, file.get("attributes"));
        return attributes;
    }

    /** Merges a file's attributes over the inherited ones; profiles named by {@code $include} are allowed only. */
    private void merge(Map<String, ObjectNode> attributes, @Nullable JsonNode declared) {
        if (declared == null) {
            return;
        }
        JsonNode includes = declared.get("$include");
        if (includes != null) {
            for (JsonNode include : includes) {
                JsonNode profile = Schemas.resource(root + "/" + include.asText());
                for (Map.Entry<String, JsonNode> e : profile.get("attributes").properties()) {
                    ObjectNode copy = ((ObjectNode) e.getValue()).deepCopy();
                    copy.put("requirement", "optional"); // only when the profile is applied
                    attributes.merge(e.getKey(), copy, OcsfSchema::override);
                }
            }
        }
        for (Map.Entry<String, JsonNode> e : declared.properties()) {
            if (!e.getKey().equals("$include")) {
                attributes.merge(e.getKey(), ((ObjectNode) e.getValue()).deepCopy(), OcsfSchema::override);
            }
        }
    }

    /** A child's definition of an attribute over its parent's: enums are joined, other keys replaced. */
    private static ObjectNode override(ObjectNode parent, ObjectNode child) {
        ObjectNode merged = parent.deepCopy();
        for (Map.Entry<String, JsonNode> e : child.properties()) {
            if (e.getKey().equals("enum") && merged.get("enum") instanceof ObjectNode values) {
                values.setAll((ObjectNode) e.getValue());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        return merged;
    }

    /** An object schema of the attributes: typed properties, required ones, constraints, nothing else. */
    private ObjectNode shape(Map<String, ObjectNode> attributes, @Nullable JsonNode constraints) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        List<String> required = new ArrayList<>();
        attributes.forEach((name, attribute) -> {
            properties.set(name, property(name, attribute));
            if ("required".equals(attribute.path("requirement").asText())) {
                required.add(name);
            }
        });
        if (!required.isEmpty()) {
            ArrayNode list = schema.putArray("required");
            required.forEach(list::add);
        }
        schema.put("additionalProperties", false);
        if (constraints != null) {
            constrain(schema, constraints, "at_least_one", "anyOf");
            constrain(schema, constraints, "just_one", "oneOf");
        }
        return schema;
    }

    private static void constrain(ObjectNode schema, JsonNode constraints, String kind, String keyword) {
        JsonNode names = constraints.get(kind);
        if (names == null) {
            return;
        }
        ArrayNode alternatives = NODES.arrayNode();
        for (JsonNode name : names) {
            alternatives.addObject().putArray("required").add(name.asText());
        }
        if (schema.has(keyword)) {
            ObjectNode both = NODES.objectNode();
            both.putArray("allOf").addObject().set(keyword, alternatives);
            schema.withArray("allOf").add(both);
        } else {
            schema.set(keyword, alternatives);
        }
    }

    /** The schema of one attribute, typed from the dictionary. */
    private JsonNode property(String name, ObjectNode attribute) {
        JsonNode known = dictionary.path("attributes").get(name);
        if (known == null) {
            throw new IllegalStateException("attribute " + name + " is not in the dictionary");
        }
        String type = attribute.has("type")
                ? attribute.get("type").asText()
                : known.get("type").asText();
        JsonNode enumeration = attribute.has("enum") ? attribute.get("enum") : known.get("enum");
        JsonNode single = type(type, enumeration);
        if (known.path("is_array").asBoolean(false)) {
            ObjectNode array = NODES.objectNode();
            array.put("type", "array");
            array.set("items", single);
            return array;
        }
        return single;
    }

    private JsonNode type(String type, @Nullable JsonNode enumeration) {
        JsonNode scalar = dictionary.path("types").path("attributes").get(type);
        if (scalar != null) {
            ObjectNode schema = NODES.objectNode();
            String base = scalar.has("type") ? scalar.get("type").asText() : type;
            switch (base) {
                case "string_t" -> schema.put("type", "string");
                case "integer_t", "long_t" -> schema.put("type", "integer");
                case "float_t" -> schema.put("type", "number");
                case "boolean_t" -> schema.put("type", "boolean");
                case "json_t" -> {
                    return NODES.objectNode(); // any JSON value
                }
                default -> throw new IllegalStateException("unknown OCSF scalar type " + base);
            }
            if (scalar.has("regex")) {
                schema.put("pattern", scalar.get("regex").asText());
            }
            if (scalar.has("max_len")) {
                schema.put("maxLength", scalar.get("max_len").asInt());
            }
            if (scalar.has("range")) {
                schema.put("minimum", scalar.get("range").get(0).asLong());
                schema.put("maximum", scalar.get("range").get(1).asLong());
            }
            if (enumeration != null) {
                ArrayNode values = schema.putArray("enum");
                for (Iterator<String> it = enumeration.fieldNames(); it.hasNext(); ) {
                    String value = it.next();
                    if (base.equals("string_t")) {
                        values.add(value);
                    } else {
                        values.add(Long.parseLong(value));
                    }
                }
            }
            return schema;
        }
        if (type.equals("object")) {
            ObjectNode open = NODES.objectNode(); // free-form, such as unmapped
            open.put("type", "object");
            return open;
        }
        return reference(type);
    }

    private JsonNode reference(String objectName) {
        if (!definitions.containsKey(objectName)) {
            JsonNode file = objectFile(objectName);
            if (file == null) {
                return NODES.booleanNode(false); // not vendored: nothing of that type may appear
            }
            definitions.put(objectName, NODES.objectNode()); // placeholder against cycles
            definitions.put(objectName, shape(objectAttributes(file), file.get("constraints")));
        }
        ObjectNode ref = NODES.objectNode();
        ref.put("$ref", "#/definitions/" + objectName);
        return ref;
    }

    private @Nullable JsonNode objectFile(String objectName) {
        String path = root + "/objects/" + objectName + ".json";
        try (InputStream in = OcsfSchema.class.getResourceAsStream(path)) {
            return in == null ? null : Schemas.MAPPER.readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(path, e);
        }
    }

    /** The names of the object types the schema defines, for the test's own checks. */
    Set<String> definedObjects() {
        return new LinkedHashSet<>(definitions.keySet());
    }
}
