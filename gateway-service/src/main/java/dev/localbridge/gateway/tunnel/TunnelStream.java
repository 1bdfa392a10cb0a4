package dev.localbridge.gateway.tunnel;

import java.util.ArrayDeque;

import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.ResetReason;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

/**
 * The gateway's end of one stream: one proxied HTTP exchange inside a tunnel.
 *
 * <p>Threading: a stream belongs to the context that opened it (the caller's request). Every method must be called on
 * that context; the tunnel hands incoming frames over to it, so no field here is shared between threads.
 *
 * <p>Flow control, both directions: request body is sent only within the credit the agent granted (the rest is held,
 * at most one caller chunk, and the caller is paused by {@link #sendBody} returning false); response body the agent
 * sends is counted against the window this side granted, and credit is returned in batches as the caller consumes it.
 */
public final class TunnelStream {

    private static final int CREDIT_BATCH = TunnelProtocol.INITIAL_WINDOW_BYTES / 4;

    private final int id;
    private final TunnelConnection tunnel;
    private final Context context;
    private final StreamListener listener;
    private final ArrayDeque<Buffer> held = new ArrayDeque<>();

    private long sendCredit = TunnelProtocol.INITIAL_WINDOW_BYTES;
    private long receiveWindow = TunnelProtocol.INITIAL_WINDOW_BYTES;
    private int consumedNotGranted;
    private boolean endHeld;
    private boolean closed;
    private boolean accepted;

    TunnelStream(int id, TunnelConnection tunnel, Context context, StreamListener listener) {
        this.id = id;
        this.tunnel = tunnel;
        this.context = context;
        this.listener = listener;
    }

    public int id() {
        return id;
    }

    Context context() {
        return context;
    }

    /** Whether the agent has sent Accept for this stream (it took it and started the local request). */
    public boolean accepted() {
        return accepted;
    }

    /**
     * Sends request body within the stream's credit, holding back what does not fit. Returns {@code false} when the
     * caller should pause until {@link StreamListener#onWritable()}.
     */
    public boolean sendBody(Buffer data) {
        if (closed) {
            return false;
        }
        held.add(data);
        flushHeld();
        return held.isEmpty() && sendCredit > 0 && !tunnel.writeQueueFull();
    }

    /** Ends the request body, after any held-back chunk has gone out. */
    public void sendEnd() {
        if (closed) {
            return;
        }
        if (held.isEmpty()) {
            tunnel.send(new Frame.RequestEnd(id));
        } else {
            endHeld = true;
        }
    }

    /** The caller has taken {@code bytes} of response body: return them to the agent as credit, in batches. */
    public void consumed(int bytes) {
        if (closed) {
            return;
        }
        receiveWindow += bytes;
        consumedNotGranted += bytes;
        if (consumedNotGranted >= CREDIT_BATCH) {
            tunnel.send(new Frame.WindowUpdate(id, consumedNotGranted));
            consumedNotGranted = 0;
        }
    }

    /** Abandons the stream and tells the agent why. */
    public void reset(ResetReason reason, String message) {
        if (closed) {
            return;
        }
        tunnel.send(new Frame.Reset(id, reason, message));
        close();
    }

    /** Forgets the stream once the exchange is over; frames still in flight for it are then ignored. */
    public void close() {
        if (!closed) {
            closed = true;
            held.clear();
            tunnel.streamClosed(this);
        }
    }

    /** Called on {@link #context} for every frame the agent sent on this stream. */
    void onFrame(Frame frame) {
        if (closed) {
            return;
        }
        switch (frame) {
            case Frame.ResponseHead h -> listener.onResponseHead(h.status(), h.headers(), h.endOfStream());
            case Frame.ResponseBody b -> {
                receiveWindow -= b.data().length;
                if (receiveWindow < 0) {
                    reset(ResetReason.FLOW_CONTROL_ERROR, "response body beyond the granted window");
                    listener.onReset(ResetReason.FLOW_CONTROL_ERROR, "the agent ignored flow control");
                    return;
                }
                listener.onResponseBody(b.data());
            }
            case Frame.ResponseEnd e -> listener.onResponseEnd();
            case Frame.Accept a -> accepted = true;
            case Frame.Reset r -> {
                close();
                listener.onReset(r.reason(), r.message());
            }
            case Frame.WindowUpdate w -> {
                sendCredit += w.increment();
                flushHeld();
                if (held.isEmpty()) {
                    listener.onWritable();
                }
            }
            case Frame.RequestHead h -> throw new IllegalStateException("request frames never reach a stream");
            case Frame.RequestBody b -> throw new IllegalStateException("request frames never reach a stream");
            case Frame.RequestEnd e -> throw new IllegalStateException("request frames never reach a stream");
            case Frame.Ping p -> throw new IllegalStateException("connection frames never reach a stream");
            case Frame.Pong p -> throw new IllegalStateException("connection frames never reach a stream");
            case Frame.GoAway g -> throw new IllegalStateException("connection frames never reach a stream");
            case Frame.Hello h -> throw new IllegalStateException("connection frames never reach a stream");
            case Frame.Renew r -> throw new IllegalStateException("connection frames never reach a stream");
            case Frame.Renewed r -> throw new IllegalStateException("connection frames never reach a stream");
        }
    }

    /** Called on {@link #context} when the tunnel closed under this stream. */
    void onTunnelClosed(String why) {
        if (!closed) {
            closed = true;
            held.clear();
            listener.onTunnelClosed(why);
        }
    }

    /** Called on {@link #context} when the WebSocket's write queue drained. */
    void onSocketDrained() {
        if (closed) {
            return;
        }
        flushHeld();
        if (held.isEmpty() && sendCredit > 0) {
            listener.onWritable();
        }
    }

    private void flushHeld() {
        while (!held.isEmpty() && sendCredit > 0) {
            Buffer next = held.peek();
            int n = (int) Math.min(Math.min(next.length(), TunnelProtocol.MAX_CHUNK_BYTES), sendCredit);
            tunnel.send(new Frame.RequestBody(id, next.getBytes(0, n)));
            sendCredit -= n;
            if (n == next.length()) {
                held.poll();
            } else {
                held.poll();
                held.addFirst(next.getBuffer(n, next.length()));
            }
        }
        if (held.isEmpty() && endHeld) {
            endHeld = false;
            tunnel.send(new Frame.RequestEnd(id));
        }
        if (!held.isEmpty() || tunnel.writeQueueFull()) {
            tunnel.notifyWhenDrained(this);
        }
    }
}
