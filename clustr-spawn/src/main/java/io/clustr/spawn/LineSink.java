package io.clustr.spawn;

/**
 * Where an {@link OutputPump} puts the lines of one stream of a child; called from the pump's thread only.
 */
interface LineSink
{
    /**
     * One line, without its line end.
     *
     * @param line   the bytes of the line, from index 0.
     * @param length how many bytes of {@code line} it has.
     */
    void line(byte[] line, int length);

    /**
     * What the pump read so far has been handed over: write out what is buffered. Called when a read returns.
     */
    default void flush()
    {
    }

    /**
     * The stream has ended.
     */
    default void close()
    {
    }
}
