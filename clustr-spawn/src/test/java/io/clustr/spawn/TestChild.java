package io.clustr.spawn;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * A small JVM child for the system tests. Modes:
 * <ul>
 *     <li>{@code sleep <ms>}: print "ready", sleep, exit 0;</li>
 *     <li>{@code exit <code>}: print its JVM arguments and environment, exit with the code;</li>
 *     <li>{@code pin <cpu>}: start a few threads, pin the main thread with {@link Pinning}, print "pinned N",
 *     sleep.</li>
 * </ul>
 */
public final class TestChild
{
    private TestChild()
    {
    }

    /**
     * Entry point.
     *
     * @param args the mode and its argument.
     * @throws InterruptedException never in practice.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        switch (args[0])
        {
            case "sleep":
                System.out.println("ready");
                Thread.sleep(Long.parseLong(args[1]));
                break;

            case "exit":
                System.out.println("jvmArgs " + ManagementFactory.getRuntimeMXBean().getInputArguments());
                System.out.println("env " + System.getenv(SpawnEnvironment.ID) + " " +
                    System.getenv(SpawnEnvironment.NAME) + " " + System.getenv(SpawnEnvironment.RESTARTS));
                System.out.flush();
                System.exit(Integer.parseInt(args[1]));
                break;

            case "pin":
                for (int i = 0; i < 3; i++)
                {
                    final Thread t = new Thread(() -> sleepQuietly(TimeUnit.MINUTES.toMillis(10)), "idle-" + i);
                    t.setDaemon(true);
                    t.start();
                }

                final Pinning.PinnedThread pinned = Pinning.pinCurrentThread(Integer.parseInt(args[1]));
                System.out.println("pinned " + pinned.cpuId() + " cpus " + System.getenv(SpawnEnvironment.CPUS) +
                    " supported " + Pinning.isSupported());
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                pinned.close();
                break;

            default:
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
        }
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ignore)
        {
            Thread.currentThread().interrupt();
        }
    }
}
