package io.actiontrail.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 203.0.113.0/24}, {@code 2001:db8::/32}), or one address. Parses
 * literals only: never a name lookup. Immutable and thread-safe.
 */
final class Network {

    private final byte[] address;
    private final int prefixBits;
    private final String text;

    private Network(byte[] address, int prefixBits, String text) {
        this.address = address;
        this.prefixBits = prefixBits;
        this.text = text;
    }

    /**
     * Parses a network or an address.
     *
     * @throws IllegalArgumentException if {@code text} is not an IPv4 or IPv6 literal with an optional prefix length
     *     that fits the address
     */
    static Network parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = address(host);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or network: " + text);
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            String prefix = text.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not a network prefix length: " + text);
            }
            int n = Integer.parseInt(prefix);
            if (n > bits) {
                throw new IllegalArgumentException("prefix length " + n + " is longer than the address: " + text);
            }
            bits = n;
        }
        return new Network(address, bits, text);
    }

    /** Returns whether {@code ip}, an address literal, is in this network; false for anything that is not one. */
    boolean contains(String ip) {
        byte[] other = address(ip);
        if (other == null || other.length != address.length) {
            return false;
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (other[i] != address[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (other[whole] & mask) == (address[whole] & mask);
    }

    /** Returns the bytes of an IPv4 dotted-quad or IPv6 literal; null for anything else. Never looks a name up. */
    static byte @Nullable [] address(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        if (text.charAt(0) == '.') {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return null; // also refuses zone ids and brackets
            }
        }
        try {
            // a string that starts with a hex digit or a colon and has a colon is parsed as an IPv6 literal only
            byte[] bytes = InetAddress.getByName(text).getAddress();
            return bytes.length == 16 ? bytes : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte @Nullable [] ipv4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (value < 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Network n && n.prefixBits == prefixBits && Arrays.equals(n.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefixBits;
    }

    @Override
    public String toString() {
        return text;
    }
}
