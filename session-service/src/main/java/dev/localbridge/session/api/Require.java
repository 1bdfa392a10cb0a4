package dev.localbridge.session.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Request validation that answers 400 with the field's name. */
public final class Require {

    /** A host (checked further by {@link #saneHost}) or an IPv6 literal in brackets; then a port. */
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]):([0-9]{1,5})");
    /** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");
    /** A gateway's node id: its pod or host name by default. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private Require() {
    }

    /** The value, or a 400 {@code BAD_REQUEST} naming {@code field} when it is missing or blank. */
    public static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw SessionFailure.badRequest(field + " is required");
        }
        if (value.length() > 512) {
            throw SessionFailure.badRequest(field + " is longer than 512 characters");
        }
        return value;
    }

    /**
     * A user id as identity providers make them ({@code sub}: any text, e.g. {@code auth0|abc}), or a 400 when it is
     * missing, longer than 512 characters or holds a control character (which could forge a log line).
     */
    public static String userId(String value) {
        text(value, "userId");
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw SessionFailure.badRequest("userId must not contain control characters");
        }
        return value;
    }

    /**
     * The value, or a 400 naming {@code field} unless it is {@code host:port}, which is how other replicas and
     * health-service dial it: the host a DNS name (labels of letters, digits and inner hyphens, at most 253
     * characters), an IPv4 address, or a bracketed IPv6 literal, neither of them unspecified, broadcast, multicast or
     * link-local (where cloud metadata services live); the port 1 to 65535.
     */
    public static String hostPort(String value, String field) {
        text(value, field);
        var match = HOST_PORT.matcher(value);
        if (!match.matches() || Integer.parseInt(match.group(2)) < 1 || Integer.parseInt(match.group(2)) > 65535
                || !saneHost(match.group(1))) {
            throw SessionFailure.badRequest(field + " must be host:port (a DNS name, IPv4 address or [IPv6] literal "
                    + "that can be dialled; port 1-65535), got '" + shortened(value) + "'");
        }
        return value;
    }

    /** The value, or a 400 unless it is a node id: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 253 characters. */
    public static String nodeId(String value, String field) {
        text(value, field);
        if (!NODE_ID.matcher(value).matches()) {
            throw SessionFailure.badRequest(field + " must be 1-253 letters, digits, '.', '_' or '-' starting with a "
                    + "letter or digit, got '" + shortened(value) + "'");
        }
        return value;
    }

    private static boolean saneHost(String host) {
        if (host.startsWith("[")) {
            return ipv6(host) instanceof Inet6Address address && dialable(address);
        }
        if (IPV4.matcher(host).matches()) {
            return ipv4(host) instanceof InetAddress address && dialable(address) && !host.equals("255.255.255.255");
        }
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // a name whose last label is numeric would be read as a (malformed) address by some resolvers
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** A bracketed IPv6 literal parsed without any name lookup (brackets make it a literal or an error), or null. */
    private static InetAddress ipv6(String bracketed) {
        try {
            return InetAddress.getByName(bracketed);
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    /** Dotted-quad IPv4 without leading zeros (read as octal by some resolvers), or null. */
    private static InetAddress ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                return null;
            }
            bytes[i] = (byte) octet;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean dialable(InetAddress address) {
        return !address.isAnyLocalAddress() && !address.isMulticastAddress() && !address.isLinkLocalAddress();
    }

    private static String shortened(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }

    /** {@code null} when the value is absent (null or blank), else {@link #hostPort}. */
    public static String optionalHostPort(String value, String field) {
        return value == null || value.isBlank() ? null : hostPort(value, field);
    }

    /** The body, or a 400 when it is missing. */
    public static <T> T body(T body) {
        if (body == null) {
            throw SessionFailure.badRequest("request body is required");
        }
        return body;
    }
}
