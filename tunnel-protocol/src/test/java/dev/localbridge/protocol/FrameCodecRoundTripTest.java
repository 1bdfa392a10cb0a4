package dev.localbridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/** Every valid frame survives encode then decode unchanged, and the encoder never emits what the decoder refuses. */
class FrameCodecRoundTripTest {

    private final FrameCodec codec = new FrameCodec();

    @Property(tries = 300)
    void requestHeadRoundTrips(@ForAll("requestHeads") Frame.RequestHead frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 100)
    void requestBodyRoundTrips(@ForAll("requestBodies") Frame.RequestBody frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 50)
    void requestEndRoundTrips(@ForAll("requestEnds") Frame.RequestEnd frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 300)
    void responseHeadRoundTrips(@ForAll("responseHeads") Frame.ResponseHead frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 100)
    void responseBodyRoundTrips(@ForAll("responseBodies") Frame.ResponseBody frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 50)
    void responseEndRoundTrips(@ForAll("responseEnds") Frame.ResponseEnd frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 200)
    void resetRoundTrips(@ForAll("resets") Frame.Reset frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 100)
    void windowUpdateRoundTrips(@ForAll("windowUpdates") Frame.WindowUpdate frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 50)
    void pingRoundTrips(@ForAll("pings") Frame.Ping frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 50)
    void pongRoundTrips(@ForAll("pongs") Frame.Pong frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    @Property(tries = 200)
    void goAwayRoundTrips(@ForAll("goAways") Frame.GoAway frame) throws ProtocolException {
        assertRoundTrip(frame);
    }

    /**
     * Frames built from arbitrary strings (spaces, CR/LF, unpaired surrogates, non-tokens) and sizes around every
     * limit: the encoder either refuses them or produces bytes that decode to the same frame. Never bytes the peer
     * would reject, never a silently altered frame.
     */
    @Property(tries = 400)
    void encoderRefusesWhatTheDecoderWouldNotGiveBack(@ForAll("wildHeads") Frame frame) throws ProtocolException {
        byte[] bytes;
        try {
            bytes = codec.encode(frame);
        } catch (IllegalArgumentException refused) {
            Statistics.collect("refused");
            return;
        }
        Statistics.collect("encoded");
        assertThat(codec.decode(bytes)).isEqualTo(frame);
        Statistics.coverage(c -> {
            c.check("refused").percentage(p -> p > 20);
            c.check("encoded").percentage(p -> p > 10);
        });
    }

    private void assertRoundTrip(Frame frame) throws ProtocolException {
        byte[] bytes = codec.encode(frame);
        Frame decoded = codec.decode(bytes);
        assertThat(decoded).isEqualTo(frame);
        assertThat(decoded.streamId()).isEqualTo(frame.streamId());
        assertThat(codec.encode(decoded)).isEqualTo(bytes);
    }

    @Provide
    Arbitrary<Frame.RequestHead> requestHeads() {
        return FrameArbitraries.requestHeads();
    }

    @Provide
    Arbitrary<Frame.RequestBody> requestBodies() {
        return FrameArbitraries.requestBodies(TunnelProtocol.MAX_CHUNK_BYTES);
    }

    @Provide
    Arbitrary<Frame.RequestEnd> requestEnds() {
        return FrameArbitraries.requestEnds();
    }

    @Provide
    Arbitrary<Frame.ResponseHead> responseHeads() {
        return FrameArbitraries.responseHeads();
    }

    @Provide
    Arbitrary<Frame.ResponseBody> responseBodies() {
        return FrameArbitraries.responseBodies(TunnelProtocol.MAX_CHUNK_BYTES);
    }

    @Provide
    Arbitrary<Frame.ResponseEnd> responseEnds() {
        return FrameArbitraries.responseEnds();
    }

    @Provide
    Arbitrary<Frame.Reset> resets() {
        return FrameArbitraries.resets();
    }

    @Provide
    Arbitrary<Frame.WindowUpdate> windowUpdates() {
        return FrameArbitraries.windowUpdates();
    }

    @Provide
    Arbitrary<Frame.Ping> pings() {
        return FrameArbitraries.pings();
    }

    @Provide
    Arbitrary<Frame.Pong> pongs() {
        return FrameArbitraries.pongs();
    }

    @Provide
    Arbitrary<Frame.GoAway> goAways() {
        return FrameArbitraries.goAways();
    }

    @Provide
    Arbitrary<Frame> wildHeads() {
        Arbitrary<Integer> streamIds = Arbitraries.frequencyOf(
                Tuple.of(6, FrameArbitraries.streamIds()),
                Tuple.of(1, Arbitraries.of(0, -1, Integer.MIN_VALUE)));
        Arbitrary<Frame> requests = Combinators.combine(streamIds, wildStrings(300), wildTargets(), wildHeaders(),
                Arbitraries.of(true, false)).as(Frame.RequestHead::new);
        Arbitrary<Frame> responses = Combinators.combine(streamIds, Arbitraries.integers().between(0, 1100),
                wildHeaders(), Arbitraries.of(true, false)).as(Frame.ResponseHead::new);
        return Arbitraries.oneOf(requests, responses);
    }

    /** Valid tokens half of the time; otherwise any chars, including separators, controls and lone surrogates. */
    private static Arbitrary<String> wildStrings(int maxLength) {
        return Arbitraries.frequencyOf(
                Tuple.of(4, FrameArbitraries.tokens(20)),
                Tuple.of(1, Arbitraries.strings().withChars(" \t\r\n\0:/\u00e9\u20ac\uD83D\uDE00\uD800\uDC00")
                        .ofMaxLength(8).map(s -> "X" + s)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(maxLength)),
                Tuple.of(1, Arbitraries.integers().between(250, 260).map("m"::repeat)));
    }

    private static Arbitrary<String> wildTargets() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, FrameArbitraries.targets()),
                Tuple.of(1, wildStrings(40)),
                Tuple.of(1, wildStrings(40).map(s -> "/" + s)),
                Tuple.of(1, Arbitraries.integers().between(16370, 16400).map(n -> "/" + "p".repeat(n - 1))),
                Tuple.of(1, Arbitraries.integers().between(5450, 5470).map(n -> "/" + "\u20ac".repeat(n))));
    }

    private static Arbitrary<List<Header>> wildHeaders() {
        Arbitrary<Header> small = Combinators.combine(wildStrings(20), Arbitraries.frequencyOf(
                Tuple.of(4, FrameArbitraries.headerValues()),
                Tuple.of(1, wildStrings(20)))).as(Header::new);
        Arbitrary<List<Header>> few = small.list().ofMaxSize(6);
        Arbitrary<List<Header>> many = Arbitraries.integers().between(195, 205)
                .map(n -> repeat(new Header("a", "b"), n));
        Arbitrary<List<Header>> huge = Combinators.combine(
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(15_000, 70_000),
                Arbitraries.of("v", "\u00e9", "\u20ac", "\uD83D\uDE00"))
                .as((count, bytes, unit) -> repeat(
                        new Header("x", unit.repeat(bytes / unit.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                                .length / count)), count));
        return Arbitraries.frequencyOf(Tuple.of(4, few), Tuple.of(1, many), Tuple.of(2, huge));
    }

    private static List<Header> repeat(Header header, int count) {
        List<Header> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(header);
        }
        return headers;
    }
}
