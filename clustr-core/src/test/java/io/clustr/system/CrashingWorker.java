package io.clustr.system;

/**
 * A worker main that fails at start: it prints why on stderr and exits with 1.
 */
public final class CrashingWorker
{
    private CrashingWorker()
    {
    }

    public static void main(final String[] args)
    {
        System.err.println("crashing on purpose: no config file");
        System.exit(1);
    }
}
