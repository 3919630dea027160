package io.clustr;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.clustr.codecs.ConfirmationEncoder;
import io.clustr.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes data and confirmation frames straight into a publication's log (a data frame is Aeron's header, whose
 * reserved value names the sender, and the payload). One per publishing thread and node (publications are thread-safe,
 * encoders and claims are not), so publishing from any thread needs no lock and does not allocate. When its node
 * closes, {@link #clear()} drops the cached route, so a writer left in a thread-local holds nothing of the node.
 */
final class FrameWriter
{
    private static final VarHandle SENT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle BACK_PRESSURED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            BACK_PRESSURED = lookup.findVarHandle(FrameWriter.class, "backPressured", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * {@link #fastOffer}'s result when the fast path does not apply: no Aeron result is this small.
     */
    static final long NOT_ARMED = Long.MIN_VALUE;

    private static final byte[] EMPTY = new byte[0];
    private static final int CONFIRMATION_FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH +
        ConfirmationEncoder.BLOCK_LENGTH + ConfirmationEncoder.senderGroupHeaderLength() +
        ConfirmationEncoder.confirmationIdHeaderLength();

    /**
     * The thread this writer was made for, if it was made for one (the node's first publishing thread other than its
     * duty cycle's); null for the agent's writer and the thread-local ones.
     */
    final Thread owner;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final Claim claim = new Claim(bufferClaim);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConfirmationEncoder confirmationEncoder = new ConfirmationEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    private final UnsafeBuffer arrayWrapper = new UnsafeBuffer(EMPTY);
    private final IdleStrategy retryIdleStrategy = new BackoffIdleStrategy(1, 10, 1_000, 1_000_000);
    private Channel cachedChannel;
    private Routes cachedRoutes;
    private Route cachedRoute;
    private int cachedVersion;

    /**
     * The fast publish path's copy of the cached route ({@link #fastOffer}): the same channel and version, with the
     * route's publication, reserved value (a change of it changes the version) and largest one-frame payload, but
     * disarmed (no channel) whenever this writer hands out a claim, so that a publish while a claim may be open takes
     * the checked path, and re-armed by the next checked publish.
     */
    private Channel fastChannel;
    private Publication fastPublication;
    private long fastReservedValue;
    private int fastMaxClaimPayload;
    private int fastVersion;
    private int fastSentIndex;

    /**
     * When the publish in progress on this writer's thread first failed (0: it has not), and when it last checked
     * for an abandoned stream; owned by {@link DataPublisher}.
     */
    long retryStartNs;
    long retryLastScanNs;

    /**
     * What this writer's thread has sent, written only by that thread and read by the node's agent, which sums every
     * writer into the node's counters: per kind of stream, messages at {@code 2 * kind.ordinal()}, bytes after them.
     * Written with plain stores, as Agrona's {@code AtomicCounter.incrementPlain} does for a single writer (a 64-bit
     * JVM never splits a long store), read with opaque loads: the agent may see a count a few messages old, never a
     * torn one. An opaque store costed about 8 % of a 32 byte publish on the fast path ({@code PublishPathMain}).
     */
    private final long[] sent = new long[2 * NodeCounters.STREAM_KINDS];
    private long backPressured;

    FrameWriter()
    {
        this(null);
    }

    FrameWriter(final Thread owner)
    {
        this.owner = owner;
    }

    static int confirmationFrameLength(final int senderGroupLength, final int idLength)
    {
        return CONFIRMATION_FIXED_LENGTH + senderGroupLength + idLength;
    }

    /**
     * A message went into a stream's log (writer's thread).
     *
     * @param kind   of the channel it was published to.
     * @param length of its payload.
     */
    void onSent(final Channel.Kind kind, final int length)
    {
        final long[] sent = this.sent;
        final int i = kind.ordinal() << 1;
        sent[i]++;
        sent[i + 1] += length;
    }

    /**
     * A publish found its stream back-pressured (writer's thread).
     */
    void onBackPressured()
    {
        BACK_PRESSURED.setOpaque(this, backPressured + 1);
    }

    long messagesSent(final int kindOrdinal)
    {
        return (long)SENT.getOpaque(sent, kindOrdinal << 1);
    }

    long bytesSent(final int kindOrdinal)
    {
        return (long)SENT.getOpaque(sent, (kindOrdinal << 1) + 1);
    }

    long backPressured()
    {
        return (long)BACK_PRESSURED.getOpaque(this);
    }

    /**
     * Forget the cached routes: the node is closing, on any thread, possibly while this writer's thread publishes.
     * The paths that read these fields read each once and check it, so a publish racing the close takes the checked
     * path and gets its "closed"; the wrapped payload is left alone (its publish unwraps it, see {@link #unwrap}).
     */
    void clear()
    {
        fastChannel = null;
        fastPublication = null;
        cachedChannel = null;
        cachedRoutes = null;
        cachedRoute = null;
    }

    /**
     * Wrap a byte array as a buffer without copying it, for one publish: {@link #unwrap} when it returns.
     */
    DirectBuffer wrap(final byte[] bytes)
    {
        arrayWrapper.wrap(bytes);
        return arrayWrapper;
    }

    /**
     * The publish of a wrapped array has returned: hold nothing of it (a writer in a thread-local may outlive its
     * node).
     */
    void unwrap()
    {
        arrayWrapper.wrap(EMPTY);
    }

    void resetIdle()
    {
        retryIdleStrategy.reset();
    }

    void idle()
    {
        retryIdleStrategy.idle();
    }

    /**
     * The route of a channel, remembered for the last channel this writer published to: a thread streaming to one
     * channel looks its route up once, not once per message. Cleared whenever the node's routes change.
     */
    Route route(final Routes routes, final Channel channel)
    {
        final int version = routes.version();
        final Route cached = cachedRoute; // read once: a close on another thread may clear it (see clear)
        if (null != cached && channel == cachedChannel && routes == cachedRoutes && version == cachedVersion)
        {
            return cached;
        }

        final Route route = routes.route(channel);
        if (null == route)
        {
            return null;
        }
        cachedChannel = channel;
        cachedRoutes = routes;
        cachedVersion = version;
        cachedRoute = route;

        return route;
    }

    /**
     * The fast publish path: a message of one frame on the channel this writer published to last, its route cached
     * for the routes' current version and no claim held (the checks the checked path made when it armed the route,
     * see {@link #arm}, still hold), claimed and copied into the log.
     * <p>
     * The publication is cached here, not reached through the route: a concurrent publication's claim is a locked
     * add on the log's tail, which no later load passes, so every publish waits for the chain of loads that finds the
     * publication before it can claim. Each link of that chain cost about 2 ns a 32 byte publish
     * ({@code PublishPathMain}, a raw claim behind four more links took as long as clustr's publish did).
     *
     * @param channel to publish to.
     * @param version of the node's routes, read by the caller.
     * @param buffer  holding the payload.
     * @param offset  of the payload.
     * @param length  of the payload.
     * @return the claim's result (counted as sent when positive), or {@link #NOT_ARMED} if the fast path does not
     * apply (no route armed for the channel and version, or the payload is outside the buffer or over one frame).
     */
    long fastOffer(
        final Channel channel, final int version, final DirectBuffer buffer, final int offset, final int length)
    {
        // The publication is read once, and checked: a node closing on another thread clears this writer (see
        // clear), and a publish racing that must get the checked path's "closed", not a NullPointerException.
        final Publication publication = fastPublication;
        if (channel != fastChannel || version != fastVersion || null == publication || null == buffer ||
            (offset | length) < 0 || length > fastMaxClaimPayload || offset > buffer.capacity() - length)
        {
            return NOT_ARMED;
        }

        final BufferClaim bufferClaim = this.bufferClaim;
        final long result = publication.tryClaim(length, bufferClaim);
        if (result > 0)
        {
            Route.copy(buffer, offset, bufferClaim.buffer(), bufferClaim.offset(), length);
            bufferClaim.reservedValue(fastReservedValue);
            bufferClaim.commit();
            final long[] sent = this.sent;
            final int i = fastSentIndex;
            sent[i]++;
            sent[i + 1] += length;
        }

        return result;
    }

    /**
     * A checked publish found no open claim and this route for the channel: arm the fast path with it.
     */
    void arm(final Channel channel, final Route route, final int version)
    {
        fastChannel = channel;
        fastPublication = route.publication;
        fastReservedValue = route.reservedValue;
        fastMaxClaimPayload = route.maxClaimPayload;
        fastVersion = version;
        fastSentIndex = channel.kind().ordinal() << 1;
    }

    long offerData(final Route route, final DirectBuffer payload, final int offset, final int length)
    {
        return route.offer(bufferClaim, payload, offset, length);
    }

    long offerData(
        final Route route, final int type, final DirectBuffer payload, final int offset, final int length)
    {
        return FrameFormat.MESSAGE == type ?
            route.offer(bufferClaim, payload, offset, length) :
            route.offer(bufferClaim, type, payload, offset, length);
    }

    /**
     * Frame an acknowledged message in the thread's scratch buffer: the correlation id, then the payload.
     *
     * @param correlationId of the message.
     * @param payload       the user's payload.
     * @param offset        of the payload.
     * @param length        of the payload.
     * @return the scratch buffer, holding {@code CORRELATION_ID_LENGTH + length} bytes from 0.
     */
    DirectBuffer frameAcked(final long correlationId, final DirectBuffer payload, final int offset, final int length)
    {
        scratch.putLong(0, correlationId, ByteOrder.LITTLE_ENDIAN);
        scratch.putBytes(FrameFormat.CORRELATION_ID_LENGTH, payload, offset, length);
        return scratch;
    }

    /**
     * Claim one frame in the route's log for the caller to fill, the sender already in its reserved value.
     *
     * @return the publication's result; the claim is {@link #claim()} when positive.
     */
    long tryClaim(final Route route, final int length)
    {
        final long result = route.publication.tryClaim(length, bufferClaim);
        if (result > 0)
        {
            bufferClaim.reservedValue(route.reservedValue);
            claim.inLog();
        }

        return result;
    }

    /**
     * The claim, about to be handed to the caller: disarms the fast publish path until the next checked publish.
     */
    Claim claim()
    {
        fastChannel = null;
        return claim;
    }

    /**
     * @throws IllegalStateException if this thread holds a claim it has not committed: the stream waits for it.
     */
    void checkNoOpenClaim()
    {
        if (claim.isOpen())
        {
            throw new IllegalStateException("this thread holds a claim it has not committed or aborted: the stream " +
                "waits for it, so commit (or abort) it before publishing again");
        }
    }

    long offerConfirmation(
        final Publication publication,
        final long senderId,
        final byte[] senderGroup,
        final DirectBuffer confirmationId,
        final int offset,
        final int length)
    {
        final int frameLength = confirmationFrameLength(senderGroup.length, length);
        confirmationEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .senderId(senderId)
            .putSenderGroup(senderGroup, 0, senderGroup.length)
            .putConfirmationId(confirmationId, offset, length);

        return publication.offer(scratch, 0, frameLength);
    }
}
