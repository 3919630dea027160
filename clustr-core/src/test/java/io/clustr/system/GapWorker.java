package io.clustr.system;

import io.clustr.Channel;
import io.clustr.Options;
import io.clustr.Worker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker for slow-consumer tests: it receives the public stream and measures the longest interval between two
 * consecutive messages (on its duty-cycle thread, as it receives them). Messages of 8 bytes are stream traffic (a
 * sequence number); text messages are commands:
 * <ul>
 *     <li>{@code stall:<id>:<ms>}: the worker with that id sleeps in its handler for that long, then tells the master
 *     {@code recovered|<id>};</li>
 *     <li>{@code sentinel:<n>}: every worker tells the master
 *     {@code stats|<id>|<n>|<messages>|<longest gap ms>|<longest gap outside the stall ms>|<missed events>|
 *     <bytes missed>|<stream messages after recovery>}.</li>
 * </ul>
 * It also tells the master {@code missed|<id>|<kind>|<bytes>} from its {@code onMissed} listener, and confirms
 * "ready" once joined.
 */
public final class GapWorker
{
    private GapWorker()
    {
    }

    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group("gap"));
        final Channel master = Channel.worker(0);
        final AtomicLong missedEvents = new AtomicLong();
        final AtomicLong bytesMissed = new AtomicLong();
        final long[] state = new long[5]; // only touched on the duty-cycle thread
        final int lastNs = 0;
        final int messages = 1;
        final int maxGapNs = 2;
        final int afterRecovery = 3;
        final int recovered = 4;

        worker
            .onMissed((kind, bytes) ->
            {
                missedEvents.incrementAndGet();
                bytesMissed.addAndGet(bytes);
                worker.publish(master, "missed|" + worker.id() + "|" + kind + "|" + bytes);
            })
            .onPublic((msg) ->
            {
                final long nowNs = System.nanoTime();
                if (0 != state[lastNs])
                {
                    final long gapNs = nowNs - state[lastNs];
                    state[maxGapNs] = Math.max(state[maxGapNs], gapNs);
                }
                state[lastNs] = nowNs;

                if (8 == msg.length())
                {
                    state[messages]++;
                    if (0 != state[recovered])
                    {
                        state[afterRecovery]++;
                    }
                    return;
                }

                final String text = msg.text();
                if (text.startsWith("stall:"))
                {
                    final String[] parts = text.split(":");
                    if (Long.parseLong(parts[1]) == worker.id())
                    {
                        sleep(Long.parseLong(parts[2]));
                        state[recovered] = 1;
                        state[lastNs] = System.nanoTime();
                        worker.publish(master, "recovered|" + worker.id());
                    }
                }
                else if (text.startsWith("sentinel:"))
                {
                    worker.publish(master, "stats|" + worker.id() + "|" + text.substring("sentinel:".length()) +
                        "|" + state[messages] +
                        "|" + TimeUnit.NANOSECONDS.toMillis(state[maxGapNs]) +
                        "|" + missedEvents.get() + "|" + bytesMissed.get() + "|" + state[afterRecovery]);
                }
            });

        worker.confirm("ready");
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
