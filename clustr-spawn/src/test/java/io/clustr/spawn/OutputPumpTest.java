package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputPumpTest
{
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream sink = new PrintStream(captured, true, Charset.defaultCharset());

    private OutputPump pump(final String input, final String prefix, final int tail) throws Exception
    {
        final OutputPump pump = new OutputPump(
            new ByteArrayInputStream(input.getBytes(Charset.defaultCharset())), sink, prefix, tail)
            .start("test-pump");
        pump.done().get(5, TimeUnit.SECONDS);

        return pump;
    }

    private List<String> lines()
    {
        return List.of(captured.toString(Charset.defaultCharset()).split(System.lineSeparator()));
    }

    @Test
    void shouldPrefixEveryLine() throws Exception
    {
        pump("one\ntwo\r\n\nthree", "[w#1 42] ", 0);

        assertEquals(List.of("[w#1 42] one", "[w#1 42] two", "[w#1 42] ", "[w#1 42] three"), lines());
    }

    @Test
    void shouldKeepLastNonBlankLines() throws Exception
    {
        final StringBuilder input = new StringBuilder();
        for (int i = 0; i < 30; i++)
        {
            input.append("line ").append(i).append("\n\n");
        }

        final OutputPump pump = pump(input.toString(), "", 3);

        assertEquals(List.of("line 27", "line 28", "line 29"), pump.tail());
    }

    @Test
    void shouldCutVeryLongLines() throws Exception
    {
        final String longLine = "x".repeat(OutputPump.MAX_LINE_BYTES * 2 + 10);
        pump(longLine + "\nend\n", ">", 0);

        final List<String> lines = lines();
        assertEquals(4, lines.size());
        assertEquals(OutputPump.MAX_LINE_BYTES + 1, lines.get(0).length());
        assertEquals(">" + "x".repeat(10), lines.get(2));
        assertEquals(">end", lines.get(3));
    }

    @Test
    void shouldCompleteOnEmptyStream() throws Exception
    {
        final OutputPump pump = pump("", "", 5);

        assertTrue(pump.tail().isEmpty());
        assertEquals(0, captured.size());
    }
}
