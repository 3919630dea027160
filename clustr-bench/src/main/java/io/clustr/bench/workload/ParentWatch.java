package io.clustr.bench.workload;

/**
 * Makes a bench child exit (running its shutdown hooks) when the process that started it goes away, so an
 * interrupted run leaves no orphans behind.
 */
public final class ParentWatch
{
    private static final long CHECK_INTERVAL_MS = 1000;

    private ParentWatch()
    {
    }

    /**
     * Start a daemon thread that calls {@code System.exit(3)} once the parent process has exited.
     */
    public static void start()
    {
        final ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (null == parent)
        {
            return;
        }

        final Thread thread = new Thread(
            () ->
            {
                try
                {
                    while (parent.isAlive())
                    {
                        Thread.sleep(CHECK_INTERVAL_MS);
                    }

                    System.exit(3);
                }
                catch (final InterruptedException ignore)
                {
                    Thread.currentThread().interrupt();
                }
            },
            "parent-watch");
        thread.setDaemon(true);
        thread.start();
    }
}
