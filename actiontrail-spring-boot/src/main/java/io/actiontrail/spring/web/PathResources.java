package io.actiontrail.spring.web;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The resources of a handler without {@code @Audited}, by the REST convention its URI pattern follows: a plural
 * collection followed by a path variable names one resource, {@code /owners/{ownerId}/pets/{petId}} being the pet
 * {@code petId} of the owner {@code ownerId}. The last such pair is the event's resource and every pair a referenced
 * resource. A collection after the last pair ({@code /owners/{ownerId}/pets/new}, {@code POST /owners}) is a creation
 * in it: the resource is of that collection's type, named from where the response redirects to when it names one
 * ({@code redirect:/owners/7/pets/3}). Stateless.
 */
final class PathResources {

    /** A literal segment that can name a collection: a word, with dashes or underscores. */
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    private static final Pattern WORD_SEPARATOR = Pattern.compile("[-_]+");

    /** Words that end in {@code s} but name no collection: {@code PUT /orders/{id}/status} updates the order. */
    private static final Set<String> SINGULARS = Set.of(
            "status", "alias", "analysis", "basis", "news", "series", "bonus", "canvas", "radius", "virus", "settings");

    /** The longest id taken from a path: longer values are cut, so that a huge path never makes a huge event. */
    static final int MAX_ID = 256;

    /** The event's resource and every resource the path names; empty when the path follows no convention. */
    record Resources(@Nullable String type, @Nullable String name, Map<String, List<String>> referenced) {
        static final Resources NONE = new Resources(null, null, Map.of());
    }

    private PathResources() {}

    /**
     * @param pattern the handler's matched URI pattern, such as {@code /owners/{ownerId}/pets/{petId}}
     * @param variables the request's path variables
     * @param redirect the path or URL the response redirects to, if it does
     */
    static Resources of(String pattern, Map<String, String> variables, @Nullable String redirect) {
        List<String[]> pairs = new ArrayList<>(); // {type, id}
        Segment collection = null;
        Segment created = null; // the last collection after the last pair: /api/v1/orders is a creation in orders
        for (Segment segment : shape(pattern)) {
            if (segment.isVariable()) {
                String name = segment.variable();
                String value = name == null ? null : variables.get(name);
                if (collection != null && value != null && !value.isEmpty()) {
                    pairs.add(new String[] {collection.type(), clip(value)});
                    created = null;
                }
                collection = null;
            } else {
                collection = segment.type() != null ? segment : null;
                if (collection != null) {
                    created = collection;
                }
            }
        }
        Map<String, List<String>> referenced = new LinkedHashMap<>();
        for (String[] pair : pairs) {
            referenced.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]);
        }
        if (created != null) {
            String type = Objects.requireNonNull(created.type());
            String name = idAfter(created.literal(), redirect);
            if (name != null) {
                referenced.computeIfAbsent(type, k -> new ArrayList<>()).add(name);
            }
            return new Resources(type, name, referenced);
        }
        if (pairs.isEmpty()) {
            return Resources.NONE;
        }
        String[] last = pairs.get(pairs.size() - 1);
        return new Resources(last[0], last[1], referenced);
    }

    /**
     * One segment of a pattern, read once: a variable (its name; none for {@code {*rest}}), or a literal with the
     * resource type it names when it is a collection.
     */
    private record Segment(
            String literal,
            boolean isVariable,
            @Nullable String variable,
            @Nullable String type) {}

    /** The most patterns whose shape is kept: a handler's patterns are few; past it, a shape is read per call. */
    private static final int MAX_SHAPES = 4096;

    private static final Map<String, List<Segment>> SHAPES = new ConcurrentHashMap<>();

    /** The segments of a pattern, read once per pattern: this runs on every audited request. */
    private static List<Segment> shape(String pattern) {
        List<Segment> shape = SHAPES.get(pattern);
        if (shape == null) {
            List<Segment> read = new ArrayList<>();
            for (String segment : segments(pattern)) {
                if (segment.startsWith("{")) {
                    read.add(new Segment(segment, true, variableName(segment), null));
                } else {
                    read.add(new Segment(segment, false, null, isCollection(segment) ? typeOf(segment) : null));
                }
            }
            shape = List.copyOf(read);
            if (SHAPES.size() < MAX_SHAPES) {
                SHAPES.putIfAbsent(pattern, shape);
            }
        }
        return shape;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    /** {@code ownerId} of {@code {ownerId}} or {@code {ownerId:\d+}}; none for {@code {*rest}}. */
    private static @Nullable String variableName(String segment) {
        if (!segment.endsWith("}") || segment.startsWith("{*")) {
            return null;
        }
        String inner = segment.substring(1, segment.length() - 1);
        int colon = inner.indexOf(':');
        return colon < 0 ? inner : inner.substring(0, colon);
    }

    /** A plural word: {@code owners}, {@code order-items}, {@code addresses}; not {@code new}, {@code edit}. */
    private static boolean isCollection(String segment) {
        String lower = segment.toLowerCase(Locale.ROOT);
        return WORD.matcher(segment).matches()
                && lower.length() > 1
                && lower.endsWith("s")
                && !lower.endsWith("ss")
                && !SINGULARS.contains(lower);
    }

    /** The id that follows the collection in the redirect's path, such as {@code 3} in {@code /owners/7/pets/3}. */
    private static @Nullable String idAfter(String collection, @Nullable String redirect) {
        if (redirect == null) {
            return null;
        }
        String path;
        try {
            String raw = URI.create(redirect.strip()).getRawPath();
            path = raw == null ? "" : raw;
        } catch (IllegalArgumentException e) {
            return null; // a Location that is no URI names nothing
        }
        List<String> segments = segments(path);
        for (int i = segments.size() - 2; i >= 0; i--) {
            if (segments.get(i).equals(collection)) {
                String id = segments.get(i + 1);
                return isCollection(id) ? null : clip(decode(id));
            }
        }
        return null;
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    /** {@code owners} → {@code Owner}, {@code order-items} → {@code OrderItem}, {@code categories} → {@code Category}. */
    static String typeOf(String collection) {
        String singular = singular(collection.toLowerCase(Locale.ROOT));
        StringBuilder type = new StringBuilder();
        for (String word : WORD_SEPARATOR.split(singular, -1)) {
            if (!word.isEmpty()) {
                type.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return type.toString();
    }

    private static String singular(String plural) {
        if (plural.endsWith("ies") && plural.length() > 3) {
            return plural.substring(0, plural.length() - 3) + "y";
        }
        for (String suffix : new String[] {"sses", "xes", "ches", "shes", "zes"}) {
            if (plural.endsWith(suffix)) {
                return plural.substring(0, plural.length() - 2);
            }
        }
        return plural.substring(0, plural.length() - 1);
    }

    private static String clip(String id) {
        return id.length() <= MAX_ID ? id : id.substring(0, MAX_ID);
    }
}
