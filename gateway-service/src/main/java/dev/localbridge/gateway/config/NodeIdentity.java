package dev.localbridge.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;

/** This replica's id: {@code TUNNEL_NODE_ID}, else the host name. */
@ApplicationScoped
public class NodeIdentity {

    private final String nodeId;

    NodeIdentity(GatewayConfig config) {
        this.nodeId = config.nodeId().filter(s -> !s.isBlank()).orElseGet(NodeIdentity::hostName);
    }

    public String nodeId() {
        return nodeId;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }
}
