package io.clustr.bench;

/**
 * Entry to the clustr suites; until clustr-core's {@code io.clustr.Master} exists on the class path they are
 * skipped with a message.
 */
final class ClustrSuites
{
    private ClustrSuites()
    {
    }

    static void run(final BenchContext ctx)
    {
        try
        {
            Class.forName("io.clustr.Master");
        }
        catch (final ClassNotFoundException ex)
        {
            ctx.results.skip("clustr", "io.clustr.Master is not on the class path (clustr-core has not landed)");
            return;
        }

        ctx.results.skip("clustr", "clustr suites not written yet");
    }
}
