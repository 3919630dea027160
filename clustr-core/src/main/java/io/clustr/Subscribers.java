package io.clustr;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Whether anyone subscribes to a publication's log, read from the driver's subscriber position counters. A new
 * publication only shows its subscribers once the driver has linked them, which it does after answering the add:
 * {@link #awaitLinked(Aeron, Publication)} makes sure it has.
 */
final class Subscribers
{
    private static final int SESSION_ID_OFFSET = 8;   // io.aeron.driver.status.StreamCounter key layout
    private static final int STREAM_ID_OFFSET = 12;

    private Subscribers()
    {
    }

    static boolean exist(final CountersReader counters, final Publication publication)
    {
        final AtomicBuffer metaData = counters.metaDataBuffer();
        final int sessionId = publication.sessionId();
        final int streamId = publication.streamId();
        for (int counterId = 0, max = counters.maxCounterId(); counterId <= max; counterId++)
        {
            final int state = counters.getCounterState(counterId);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED == state &&
                counters.getCounterTypeId(counterId) == AeronCounters.DRIVER_SUBSCRIBER_POSITION_TYPE_ID)
            {
                final int keyOffset = CountersReader.metaDataOffset(counterId) + CountersReader.KEY_OFFSET;
                if (metaData.getInt(keyOffset + SESSION_ID_OFFSET) == sessionId &&
                    metaData.getInt(keyOffset + STREAM_ID_OFFSET) == streamId)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /**
     * The driver answers an add-publication command before it links the subscriptions that already exist to the new
     * log, so for a moment a new publication reports NOT_CONNECTED with no subscriber positions even when there are
     * subscribers. Any command sent afterwards is handled after that linking: one round trip makes "no subscriber
     * position" mean "nobody subscribes".
     */
    static Publication awaitLinked(final Aeron aeron, final Publication publication)
    {
        if (!publication.isConnected())
        {
            roundTrip(aeron);
        }

        return publication;
    }

    /**
     * The same holds for a new IPC subscription: the driver answers the add before it links the subscription to the
     * publications that already exist, so a publish right after {@code addSubscription} returns may find no
     * subscriber yet. One round trip afterwards makes the subscription linked.
     */
    static Subscription awaitLinked(final Aeron aeron, final Subscription subscription)
    {
        roundTrip(aeron);
        return subscription;
    }

    private static void roundTrip(final Aeron aeron)
    {
        aeron.addCounter(ClustrCounters.DRIVER_ROUND_TRIP_TYPE_ID, "clustr driver round trip").close();
    }
}
