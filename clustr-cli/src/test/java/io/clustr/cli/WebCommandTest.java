package io.clustr.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code clustr web} refuses what it should before it listens.
 */
@Timeout(10)
class WebCommandTest
{
    @Test
    void shouldRefuseAnAddressThatIsNotLoopbackWithoutAllowRemote()
    {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));

        assertEquals(1, commandLine.execute("web", "--host", "0.0.0.0", "--port", "0"));
        assertTrue(err.toString().contains("refusing to listen on 0.0.0.0"), err::toString);
        assertTrue(err.toString().contains("--allow-remote"), err::toString);
    }

    @Test
    void shouldAcceptLoopbackAndAnyAddressWithAllowRemote()
    {
        assertTrue(WebCommand.resolve("127.0.0.1", false).isLoopbackAddress());
        assertTrue(WebCommand.resolve("::1", false).isLoopbackAddress());
        assertTrue(WebCommand.resolve("0.0.0.0", true).isAnyLocalAddress());
        assertThrows(CliException.class, () -> WebCommand.resolve("0.0.0.0", false));
    }

    @Test
    void shouldRefuseBadOptions()
    {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = ClustrCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(1, commandLine.execute("web", "--port", "70000"));
        assertTrue(err.toString().contains("--port must be 0 to 65535, not 70000"), err::toString);
    }
}
