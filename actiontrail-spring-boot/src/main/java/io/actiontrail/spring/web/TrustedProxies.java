package io.actiontrail.spring.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a request's client address: the remote address, or — only when the remote address is a trusted proxy —
 * the nearest untrusted hop of {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For}, read from the right. Only
 * IP literals are parsed, never host names, so nothing here waits for DNS. Immutable and thread-safe.
 */
final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private final List<Block> blocks;

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses addresses and CIDR blocks such as {@code 10.0.0.0/8}, {@code 127.0.0.1} or {@code fd00::/8}.
     *
     * @throws IllegalArgumentException naming the first value that is not one
     */
    static TrustedProxies parse(List<String> specs) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : specs) {
            String spec = raw.trim();
            int slash = spec.indexOf('/');
            String address = slash < 0 ? spec : spec.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + raw + "' is not an IP address or CIDR block");
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(spec.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException(
                            "'" + raw + "' has an invalid prefix length; 0 to " + bytes.length * 8);
                }
            }
            blocks.add(new Block(bytes, prefix));
        }
        return new TrustedProxies(blocks);
    }

    /** Returns whether the address is inside one of the trusted blocks. */
    boolean isTrusted(@Nullable String address) {
        byte[] bytes = address == null ? null : literal(address);
        if (bytes == null) {
            return false;
        }
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the client address of a request.
     *
     * @param remoteAddress the address of the peer that connected
     * @param forwarded the values of the {@code Forwarded} headers, in order
     * @param forwardedFor the values of the {@code X-Forwarded-For} headers, in order
     */
    String clientAddress(String remoteAddress, List<String> forwarded, List<String> forwardedFor) {
        if (blocks.isEmpty() || !isTrusted(remoteAddress)) {
            return remoteAddress;
        }
        List<String> hops = !forwarded.isEmpty() ? forwardedHops(forwarded) : forwardedForHops(forwardedFor);
        String client = remoteAddress;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = normalize(hops.get(i));
            if (hop == null) {
                return client; // unknown or obfuscated: the proxy that wrote it is the last hop we can vouch for
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private static List<String> forwardedForHops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String part : header.split(",", -1)) {
                if (!part.isBlank()) {
                    hops.add(part.trim());
                }
            }
        }
        return hops;
    }

    private static List<String> forwardedHops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String element : header.split(",", -1)) {
                String value = "";
                for (String pair : element.split(";", -1)) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
                        value = pair.substring(eq + 1).trim();
                    }
                }
                hops.add(value);
            }
        }
        return hops;
    }

    /** Returns the IP literal of a hop, without quotes, brackets or port; {@code null} when it is none. */
    static @Nullable String normalize(String hop) {
        String h = hop.trim();
        if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return null;
            }
            h = h.substring(1, close);
        } else if (h.indexOf(':') > 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':')); // IPv4 with a port
        }
        return literal(h) == null ? null : h;
    }

    /** Parses an IP literal without any name lookup; {@code null} when it is none. */
    static byte @Nullable [] literal(String address) {
        String a = address;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (IPV4.matcher(a).matches()) {
            String[] parts = a.split("\\.", -1);
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                bytes[i] = (byte) v;
            }
            return bytes;
        }
        if (a.indexOf(':') >= 0 && IPV6.matcher(a).matches()) {
            try {
                // a literal with ':' is parsed, never looked up; IPv4-mapped addresses come back as IPv4
                return InetAddress.getByName(a).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    @SuppressWarnings("ArrayRecordComponent") // internal; never compared
    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
