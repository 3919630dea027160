package io.clustr;

/**
 * The JVM flags clustr cannot run without, checked when a node's context is made: without them Agrona (under Aeron)
 * fails at class init with a raw {@code IllegalAccessError} that names no flag.
 */
final class JvmFlags
{
    /**
     * The flag Agrona's {@code UnsafeApi} needs: it calls {@code jdk.internal.misc.Unsafe}.
     */
    static final String ADD_OPENS_MISC = "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED";

    private static volatile boolean isChecked;

    private JvmFlags()
    {
    }

    /**
     * @throws ClustrException naming the exact flag if {@code jdk.internal.misc} is not open to Agrona.
     */
    static void check()
    {
        if (isChecked)
        {
            return;
        }

        // DirectBuffer is an interface: naming its class loads it without running any of Agrona's static init.
        final Module agrona = org.agrona.DirectBuffer.class.getModule();
        if (!Object.class.getModule().isExported("jdk.internal.misc", agrona))
        {
            throw new ClustrException("this JVM was started without " + ADD_OPENS_MISC + ", which clustr needs " +
                "(Agrona, under Aeron, uses jdk.internal.misc.Unsafe): add it to the java command line, with " +
                "--add-opens java.base/sun.nio.ch=ALL-UNNAMED and --add-opens java.base/java.util.zip=ALL-UNNAMED " +
                "that Aeron also uses (or @config/jvm/add-opens.args). Workers clustr spawns get them already");
        }
        isChecked = true;
    }
}
