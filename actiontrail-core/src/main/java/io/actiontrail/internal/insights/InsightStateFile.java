package io.actiontrail.internal.insights;

import io.actiontrail.insights.InsightType;
import io.actiontrail.internal.Files2;
import io.actiontrail.internal.Warnings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The insights state file, {@code <dataDir>/insights/state.bin}: the journal position counted, the open minute, every
 * key with its counters, cold-start sums, runs and hourly baseline, the principals' known networks, the open insights
 * and the trails' configuration; a CRC32C over all of it last. Written atomically (temporary file, fsync, rename); a
 * file that is missing or fails its checks is not used, and the engine rebuilds from the journal.
 */
final class InsightStateFile {

    static final String NAME = "state.bin";

    private static final int MAGIC = 0x41544953; // "ATIS"
    private static final int VERSION = 1;

    private InsightStateFile() {}

    static void save(Path file, InsightEngine engine) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(engine.position);
        out.writeInt(engine.currentMinute);
        out.writeInt(engine.firstEverMinute);
        out.writeInt(engine.lastRecomputeDay);
        KeyTable t = engine.keys;
        out.writeInt(t.size());
        for (int k = 0; k < t.size(); k++) {
            out.writeByte(t.kind[k]);
            text(out, t.first[k]);
            text(out, t.second[k]);
            out.writeInt(t.count[k]);
            out.writeInt(t.acc5[k]);
            out.writeInt(t.acc60[k]);
            out.writeInt(t.firstMinute[k]);
            out.writeInt(t.lastMinute[k]);
            out.writeDouble(t.coldSum[k]);
            out.writeDouble(t.coldSumSq[k]);
            out.writeByte(t.above[k]);
            out.writeByte(t.below[k]);
            out.writeByte(t.flags[k] & (KeyTable.ACTIVE | KeyTable.HAS_NETWORK));
            out.writeLong(t.insightSum[k]);
            out.writeInt(t.insightMinutes[k]);
            out.writeInt(t.near[k]);
            for (int w = 0; w < KeyTable.WINDOWS; w++) {
                out.writeFloat(t.baseMean[k * KeyTable.WINDOWS + w]);
                out.writeFloat(t.baseStd[k * KeyTable.WINDOWS + w]);
            }
        }
        Interner networks = engine.networks;
        out.writeInt(networks.size());
        for (int i = 0; i < networks.size(); i++) {
            text(out, networks.value(i));
        }
        out.writeInt(engine.seen.size());
        engine.seen.forEach(value -> {
            try {
                out.writeLong(value);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        out.writeInt(engine.open.size());
        for (InsightEngine.Open o : engine.open.values()) {
            text(out, o.type.wireName());
            text(out, o.object);
            out.writeBoolean(o.burst);
            text(out, o.sharedEventId);
            out.writeLong(o.startMillis);
            out.writeDouble(o.baseline);
            out.writeInt(o.lastMinute);
            out.writeLong(o.count);
            text(out, o.reason == null ? "" : o.reason);
        }
        Map<String, String> fingerprints = engine.fingerprints();
        out.writeInt(fingerprints.size());
        for (Map.Entry<String, String> e : fingerprints.entrySet()) {
            text(out, e.getKey());
            text(out, e.getValue());
        }
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        Files2.writeAtomically(file, bytes.toByteArray());
    }

    /** Loads the state into the engine; returns whether a usable state was found. */
    static boolean load(Path file, InsightEngine engine, Warnings warnings) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            warnings.warn(
                    "insights-state", "ActionTrail: cannot read " + file + "; insights rebuild from the journal", e);
            return false;
        }
        try {
            if (content.length < 8) {
                throw new IOException("too short");
            }
            CRC32C crc = new CRC32C();
            crc.update(content, 0, content.length - 4);
            int stored = ((content[content.length - 4] & 0xff) << 24)
                    | ((content[content.length - 3] & 0xff) << 16)
                    | ((content[content.length - 2] & 0xff) << 8)
                    | (content[content.length - 1] & 0xff);
            if (stored != (int) crc.getValue()) {
                throw new IOException("checksum mismatch");
            }
            read(new DataInputStream(new ByteArrayInputStream(content, 0, content.length - 4)), engine);
            return true;
        } catch (IOException | RuntimeException e) {
            warnings.warn(
                    "insights-state",
                    "ActionTrail: the insights state " + file + " is damaged (" + e.getMessage()
                            + "); insights rebuild from the journal");
            return false;
        }
    }

    private static void read(DataInputStream in, InsightEngine engine) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new IOException("not an insights state of this version");
        }
        long position = in.readLong();
        int currentMinute = in.readInt();
        int firstEverMinute = in.readInt();
        int lastRecomputeDay = in.readInt();
        KeyTable t = engine.keys;
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
            byte kind = in.readByte();
            String a = text(in);
            String b = text(in);
            int k = t.intern(kind, a, b, 0);
            if (k != i) {
                throw new IOException("duplicate or too many keys");
            }
            t.count[k] = in.readInt();
            t.acc5[k] = in.readInt();
            t.acc60[k] = in.readInt();
            t.firstMinute[k] = in.readInt();
            t.lastMinute[k] = in.readInt();
            t.coldSum[k] = in.readDouble();
            t.coldSumSq[k] = in.readDouble();
            t.above[k] = in.readByte();
            t.below[k] = in.readByte();
            t.flags[k] = in.readByte();
            t.insightSum[k] = in.readLong();
            t.insightMinutes[k] = in.readInt();
            t.near[k] = in.readInt();
            for (int w = 0; w < KeyTable.WINDOWS; w++) {
                t.baseMean[k * KeyTable.WINDOWS + w] = in.readFloat();
                t.baseStd[k * KeyTable.WINDOWS + w] = in.readFloat();
            }
        }
        int networks = in.readInt();
        for (int i = 0; i < networks; i++) {
            engine.networks.intern(text(in));
        }
        int seen = in.readInt();
        for (int i = 0; i < seen; i++) {
            engine.seen.add(in.readLong());
        }
        int open = in.readInt();
        for (int i = 0; i < open; i++) {
            InsightType type = InsightType.fromWireName(text(in));
            String object = text(in);
            boolean burst = in.readBoolean();
            String shared = text(in);
            long startMillis = in.readLong();
            double baseline = in.readDouble();
            int lastMinute = in.readInt();
            long count = in.readLong();
            String reason = text(in);
            InsightEngine.Open o = new InsightEngine.Open(
                    type, object, burst, shared, startMillis, baseline, lastMinute, count, blankToNull(reason));
            engine.open.put(o.id(), o);
        }
        int fingerprints = in.readInt();
        Map<String, String> previous = new LinkedHashMap<>();
        for (int i = 0; i < fingerprints; i++) {
            previous.put(text(in), text(in));
        }
        if (in.available() != 0) {
            throw new IOException("trailing bytes");
        }
        engine.previousFingerprints(previous);
        engine.position = position;
        engine.currentMinute = currentMinute;
        engine.firstEverMinute = firstEverMinute;
        engine.lastRecomputeDay = lastRecomputeDay;
    }

    private static @Nullable String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 16 * 1024 * 1024) {
            throw new IOException("bad string length " + length);
        }
        byte[] utf8 = in.readNBytes(length);
        if (utf8.length != length) {
            throw new IOException("truncated");
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
