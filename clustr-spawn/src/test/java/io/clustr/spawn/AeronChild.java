package io.clustr.spawn;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;

/**
 * A JVM child that starts as a clustr worker does, for {@link SpawnStartupMain}: it connects to a media driver, adds
 * a publication and a subscription, prints "ready" and idles.
 */
public final class AeronChild
{
    private AeronChild()
    {
    }

    /**
     * Entry point.
     *
     * @param args the Aeron directory, then how long to idle in milliseconds.
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0]));
            Subscription subscription = aeron.addSubscription("aeron:ipc", 1001);
            Publication publication = aeron.addPublication("aeron:ipc", 1001))
        {
            System.out.println("ready " + subscription.streamId() + " " + publication.streamId());
            System.out.flush();
            Thread.sleep(Long.parseLong(args[1]));
        }
    }
}
