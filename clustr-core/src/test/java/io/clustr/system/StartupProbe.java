package io.clustr.system;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.Worker;

/**
 * A main for tests of how a node starts in its own JVM:
 * <ul>
 *     <li>{@code master [dir]}: start a master (on a fresh directory of its own, or on {@code dir}), print
 *     {@code DIR <driver directory>} and run until killed;</li>
 *     <li>{@code worker}: start a worker of group {@code web} from the environment, print {@code JOINED} and exit.</li>
 * </ul>
 * A start that throws prints {@code FAILED <ms from the call to the exception> <exception>} and exits with 3.
 */
public final class StartupProbe
{
    private StartupProbe()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        try
        {
            if ("master".equals(args[0]))
            {
                final Master master = args.length > 1 ?
                    Master.create(Options.aeronDirectory(args[1])) : Master.create();
                System.out.println("DIR " + master.aeronDirectoryName());
                System.out.flush();
                master.awaitTermination();
            }
            else
            {
                try (Worker worker = Worker.create(Options.group("web")))
                {
                    System.out.println("JOINED " + worker.id());
                }
            }
        }
        catch (final Throwable ex)
        {
            System.out.println("FAILED " + (System.nanoTime() - startNs) / 1_000_000 + " " + ex);
            System.out.flush();
            System.exit(3);
        }
    }
}
