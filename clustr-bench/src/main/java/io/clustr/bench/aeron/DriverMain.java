package io.clustr.bench.aeron;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.clustr.Configuration;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import io.clustr.driver.DriverProfiles;
import org.agrona.concurrent.ShutdownSignalBarrier;

/**
 * A standalone media driver for the raw Aeron runs, configured exactly as a clustr master configures its embedded
 * driver: media-driver-config's profile ({@code --profile}, default {@code shared}: SHARED threading, backoff idle),
 * the IPC term length of {@code --term-length}, its own directory ({@code --dir}) deleted on start and on shutdown.
 * {@code --idle} overrides the driver's idle strategy. Runs until SIGINT/SIGTERM or until its parent exits.
 */
public final class DriverMain
{
    private DriverMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --dir <aeron dir> [--term-length <bytes>] [--idle <alias>]}.
     */
    public static void main(final String[] args)
    {
        final Args parsed = Args.parse(args);
        final MediaDriver.Context ctx = DriverProfiles.context(parsed.string("profile", DriverProfiles.SHARED))
            .aeronDirectoryName(parsed.required("dir"))
            .ipcTermBufferLength(parsed.intValue("term-length", AeronBench.DEFAULT_TERM_LENGTH))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        if (null == ctx.threadingMode())
        {
            ctx.threadingMode(ThreadingMode.SHARED);
        }

        final String idle = parsed.string("idle", null);
        if (null != idle)
        {
            ctx.sharedIdleStrategy(Configuration.idleStrategy(idle));
        }

        ParentWatch.start();
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            MediaDriver driver = MediaDriver.launch(ctx))
        {
            System.out.println(BenchLine.format("bench", "driver", "dir", driver.aeronDirectoryName()));
            System.out.println(BenchLine.READY);
            barrier.await();
        }
    }
}
