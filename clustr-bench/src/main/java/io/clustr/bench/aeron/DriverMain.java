package io.clustr.bench.aeron;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;
import org.agrona.concurrent.ShutdownSignalBarrier;

/**
 * A standalone media driver for the raw Aeron runs: SHARED threading, the driver's default backoff idle strategy
 * (unless {@code --idle} says otherwise), the IPC term length of {@code --term-length}, its own directory
 * ({@code --dir}) deleted on start and on shutdown. Runs until SIGINT/SIGTERM or until its parent exits.
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
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(parsed.required("dir"))
            .threadingMode(ThreadingMode.SHARED)
            .ipcTermBufferLength(parsed.intValue("term-length", AeronBench.DEFAULT_TERM_LENGTH))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        final String idle = parsed.string("idle", null);
        if (null != idle)
        {
            ctx.sharedIdleStrategy(IdleStrategies.of(idle));
        }

        ParentWatch.start();
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            MediaDriver driver = MediaDriver.launch(ctx))
        {
            System.out.println(BenchLine.READY);
            barrier.await();
        }
    }
}
