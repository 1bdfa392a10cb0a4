package dev.localbridge.gateway.ownership;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

import dev.localbridge.gateway.config.GatewayConfig;

/** {@code host:port} that other replicas use for this one's relay listener. */
final class RelayAddress {

    private RelayAddress() {
    }

    /** {@code TUNNEL_RELAY_ADVERTISE_HOST}, else the first non-loopback IPv4 address of an interface that is up. */
    static String of(GatewayConfig config) {
        String host = config.relayAdvertiseHost().filter(h -> !h.isBlank()).orElseGet(RelayAddress::ownIpv4);
        return host + ":" + config.relayPort();
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
