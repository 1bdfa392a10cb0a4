package dev.localbridge.gateway.ownership;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.localbridge.gateway.config.GatewayConfig;

/**
 * The {@code host:port} addresses this replica registers: its relay listener (other replicas relay requests to it) and
 * its management interface (health-service polls health and figures there). Both use the advertised host.
 */
final class AdvertisedAddress {

    private AdvertisedAddress() {
    }

    /** Relay listener: {@code TUNNEL_RELAY_ADVERTISE_HOST} (else this host's address) and {@code TUNNEL_RELAY_PORT}. */
    static String relay(GatewayConfig config) {
        return host(config) + ":" + config.relayPort();
    }

    /** Management interface: the same host and {@code QUARKUS_MANAGEMENT_PORT}. */
    static String management(GatewayConfig config) {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.management.port", Integer.class).orElse(9000);
        return host(config) + ":" + port;
    }

    /** {@code TUNNEL_RELAY_ADVERTISE_HOST}, else the first non-loopback IPv4 address of an interface that is up. */
    private static String host(GatewayConfig config) {
        return config.relayAdvertiseHost().filter(h -> !h.isBlank()).orElseGet(AdvertisedAddress::ownIpv4);
    }

    private static String ownIpv4() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through: a replica that cannot list its interfaces is reachable on loopback at best
        }
        return "127.0.0.1";
    }
}
