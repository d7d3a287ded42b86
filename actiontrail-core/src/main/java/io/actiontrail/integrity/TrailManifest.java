package io.actiontrail.integrity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a sink that writes objects stores next to them for each batch (and for each heartbeat): the trail's signed
 * checkpoint, and which leaves of the trail's Merkle log each object of the batch holds, line by line in order. An
 * offline verifier reads the objects back in log order from the manifests and checks every checkpoint's root; the
 * manifest itself needs no signature, since any other order or content leads to another root.
 *
 * <p>Its JSON form: {@code {"checkpoint": "<signed note>", "objects": [{"key": "<object key>", "leaves":
 * "0-99,105"}]}}, leaves as increasing ranges. Immutable and thread-safe.
 *
 * @param checkpoint the signed checkpoint covering every leaf listed, and all before them
 * @param parts the objects written with it and their leaves; empty for a heartbeat
 */
public record TrailManifest(SignedNote checkpoint, List<Part> parts) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates and copies. */
    public TrailManifest {
        Objects.requireNonNull(checkpoint, "checkpoint");
        parts = List.copyOf(parts);
    }

    /**
     * One object and the leaves its lines are, in order. Immutable and thread-safe.
     *
     * @param key the object's key, relative to the trail's root
     * @param leaves the leaf indexes as increasing ranges, such as {@code 0-99,105}
     */
    public record Part(String key, String leaves) {

        /** Validates. */
        public Part {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(leaves, "leaves");
        }
    }

    /** Returns increasing leaf indexes as ranges: {@code 0-99,105}. */
    public static String ranges(long[] leaves) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < leaves.length) {
            int j = i;
            while (j + 1 < leaves.length && leaves[j + 1] == leaves[j] + 1) {
                j++;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(leaves[i]);
            if (j > i) {
                out.append('-').append(leaves[j]);
            }
            i = j + 1;
        }
        return out.toString();
    }

    /**
     * Returns the leaf indexes of ranges written by {@link #ranges}.
     *
     * @throws IllegalArgumentException if they are malformed, not increasing, or more than {@code limit}
     */
    public static long[] leaves(String ranges, long limit) {
        List<Long> out = new ArrayList<>();
        long previous = -1;
        int start = 0;
        while (start < ranges.length()) {
            int comma = ranges.indexOf(',', start);
            String range = ranges.substring(start, comma < 0 ? ranges.length() : comma);
            int dash = range.indexOf('-');
            long from;
            long to;
            try {
                from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a leaf range: '" + range + "'", e);
            }
            if (from <= previous || to < from) {
                throw new IllegalArgumentException("leaf ranges must increase: '" + range + "'");
            }
            if (out.size() + (to - from + 1) > limit) {
                throw new IllegalArgumentException("more than " + limit + " leaves");
            }
            for (long leaf = from; leaf <= to; leaf++) {
                out.add(leaf);
            }
            previous = to;
            start = comma < 0 ? ranges.length() : comma + 1;
        }
        long[] result = new long[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    /** The field of a checkpoint line: {@value}. */
    public static final String CHECKPOINT_LINE_FIELD = "actiontrailCheckpoint";

    /**
     * Returns a checkpoint as one JSON line, {@code {"actiontrailCheckpoint": "<signed note>"}}: what a sink that writes
     * lines (a log, a file, a stream) puts after the events the checkpoint covers, so that the verifier can read the
     * lines back as they are.
     */
    public static String checkpointLine(SignedNote checkpoint) {
        ObjectNode root = JSON.createObjectNode();
        root.put(CHECKPOINT_LINE_FIELD, checkpoint.toString());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always writes", e);
        }
    }

    /** Returns the JSON form. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("checkpoint", checkpoint.toString());
        ArrayNode objects = root.putArray("objects");
        for (Part part : parts) {
            objects.addObject().put("key", part.key()).put("leaves", part.leaves());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always writes", e);
        }
    }

    /**
     * Reads the JSON form.
     *
     * @throws IllegalArgumentException if it is not a manifest, or its checkpoint is not a signed note
     */
    public static TrailManifest parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("checkpoint").isTextual()) {
            throw new IllegalArgumentException("not a manifest: no \"checkpoint\"");
        }
        List<Part> parts = new ArrayList<>();
        for (JsonNode object : root.path("objects")) {
            if (!object.path("key").isTextual() || !object.path("leaves").isTextual()) {
                throw new IllegalArgumentException("an object without \"key\" or \"leaves\"");
            }
            parts.add(new Part(object.get("key").asText(), object.get("leaves").asText()));
        }
        return new TrailManifest(SignedNote.parse(root.get("checkpoint").asText()), parts);
    }
}
