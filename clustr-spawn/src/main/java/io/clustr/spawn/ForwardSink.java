package io.clustr.spawn;

import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Forwards each line to a print stream (the parent's stdout or stderr), after an optional timestamp and prefix.
 */
final class ForwardSink implements LineSink
{
    private final PrintStream out;
    private final String prefix;
    private final LineClock clock;
    private final Charset charset = Charset.defaultCharset();

    /**
     * @param out        where the lines go.
     * @param prefix     what goes before each line (after the timestamp), or null.
     * @param timestamps start each line with {@code HH:mm:ss.SSS}?
     */
    ForwardSink(final PrintStream out, final String prefix, final boolean timestamps)
    {
        this.out = out;
        this.prefix = null == prefix ? "" : prefix;
        this.clock = timestamps ? LineClock.time() : null;
    }

    @Override
    public void line(final byte[] line, final int length)
    {
        final String text = new String(line, 0, length, charset);
        out.println(null == clock ? prefix + text : clock.now() + prefix + text);
    }
}
