package dev.localbridge.agent;

import dev.localbridge.protocol.Frame;

/** Where a stream sends its frames: the tunnel connection it belongs to. Called on the event loop only. */
interface FrameSink {

    /** Sends one frame to the gateway; dropped silently when the tunnel is already closed. */
    void send(Frame frame);
}
