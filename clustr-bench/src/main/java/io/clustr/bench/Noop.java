package io.clustr.bench;

/**
 * The bare JVM: starts and exits (timed from outside for the JVM start-up floor), or with {@code --sleep-ms n}
 * says it is ready and sleeps (for the idle RSS floor). Loads nothing beyond this class.
 */
public final class Noop
{
    private Noop()
    {
    }

    /**
     * Entry point.
     *
     * @param args nothing, or {@code --sleep-ms n}.
     * @throws InterruptedException if interrupted while sleeping.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length == 2 && "--sleep-ms".equals(args[0]))
        {
            System.out.println("BENCH ready");
            Thread.sleep(Long.parseLong(args[1]));
        }
    }
}
