package io.actiontrail.internal.insights;

/**
 * The network of a source address, without any name lookup: {@code a.b.c.0/24} for IPv4, the first 48 bits for IPv6
 * ({@code 2001:db8:1::/48}); anything else (a host name, garbage) is its own network.
 */
final class Networks {

    private Networks() {}

    static String of(String address) {
        String ip = address.strip();
        if (ip.indexOf(':') >= 0) {
            return v6(ip);
        }
        int dots = 0;
        int lastDot = -1;
        for (int i = 0; i < ip.length(); i++) {
            char c = ip.charAt(i);
            if (c == '.') {
                dots++;
                lastDot = i;
            } else if (c < '0' || c > '9') {
                return ip;
            }
        }
        if (dots != 3) {
            return ip;
        }
        return ip.substring(0, lastDot) + ".0/24";
    }

    private static String v6(String ip) {
        int zone = ip.indexOf('%');
        if (zone >= 0) {
            ip = ip.substring(0, zone);
        }
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        int[] groups = new int[3];
        int filled = 0;
        int start = 0;
        while (filled < 3 && start <= ip.length()) {
            int end = ip.indexOf(':', start);
            if (end < 0) {
                end = ip.length();
            }
            if (end == start) {
                break; // "::": the rest of the first 48 bits is zeros
            }
            try {
                groups[filled++] = Integer.parseInt(ip.substring(start, end), 16) & 0xffff;
            } catch (NumberFormatException e) {
                return ip;
            }
            start = end + 1;
        }
        return Integer.toHexString(groups[0]) + ":" + Integer.toHexString(groups[1]) + ":"
                + Integer.toHexString(groups[2]) + "::/48";
    }
}
