package io.clustr.bench.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.clustr.bench.Args;

/**
 * A JVM that starts, connects an Aeron client to a running driver, adds a publication and exits: timed from outside
 * by the orchestrator as the per-worker floor of spawn time.
 */
public final class AeronConnectMain
{
    private AeronConnectMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length n]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        try (Aeron aeron = AeronBench.connect(parsed);
            Publication publication = aeron.addPublication(AeronBench.channel(parsed), AeronBench.IDLE_STREAM_ID))
        {
            if (publication.isClosed())
            {
                throw new IllegalStateException("publication closed");
            }
        }
    }
}
