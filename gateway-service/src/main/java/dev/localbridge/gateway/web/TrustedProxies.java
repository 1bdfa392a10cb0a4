package dev.localbridge.gateway.web;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.netty.util.NetUtil;

/**
 * The peers whose forwarding headers are believed: IPv4 and IPv6 CIDRs (a bare address is one host). Entries must be
 * address literals, so that matching never resolves a name; IPv4-mapped IPv6 addresses match their IPv4 form.
 */
final class TrustedProxies {

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = ranges;
    }

    static TrustedProxies parse(Optional<List<String>> entries) {
        return new TrustedProxies(entries.orElse(List.of()).stream()
                .map(String::trim)
                .filter(e -> !e.isEmpty())
                .map(TrustedProxies::range)
                .toList());
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (an IP literal, as Vert.x reports a peer) lies in one of the ranges. */
    boolean contains(String address) {
        if (ranges.isEmpty()) {
            return false; // the default: no peer is trusted, and every request's address need not be parsed
        }
        byte[] bytes = address == null ? null : bytes(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        byte[] network = bytes(slash < 0 ? entry : entry.substring(0, slash));
        if (network == null) {
            throw invalid(entry);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw invalid(entry);
            }
            boolean mapped = entry.indexOf(':') >= 0 && network.length == 4; // ::ffff:a.b.c.d/n counts 96 bits more
            if (mapped) {
                bits -= 96;
            }
            if (bits < 0 || bits > network.length * 8) {
                throw invalid(entry);
            }
        }
        return new Range(network, bits);
    }

    /** The address's bytes, IPv4-mapped IPv6 folded to IPv4; {@code null} when it is not an IP literal. */
    private static byte[] bytes(String literal) {
        String address = literal.startsWith("[") && literal.endsWith("]")
                ? literal.substring(1, literal.length() - 1) : literal;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes != null && bytes.length == 16 && isMappedIpv4(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isMappedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }

    private static IllegalStateException invalid(String entry) {
        return new IllegalStateException("TUNNEL_TRUSTED_PROXIES: '" + entry + "' is not an IP address or CIDR"
                + " (e.g. 10.0.0.0/8, fd00::/8, 192.168.1.10)");
    }
}
