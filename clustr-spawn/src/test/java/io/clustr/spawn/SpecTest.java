package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.cpuRange;
import static io.clustr.spawn.SpawnOption.cpus;
import static io.clustr.spawn.SpawnOption.env;
import static io.clustr.spawn.SpawnOption.jvmArgs;
import static io.clustr.spawn.SpawnOption.name;
import static io.clustr.spawn.SpawnOption.output;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecTest
{
    @Test
    void shouldHaveDefaults()
    {
        final Spec spec = spec("com.acme.WebWorker");

        assertEquals("com.acme.WebWorker", spec.mainClass());
        assertEquals("WebWorker", spec.name());
        assertEquals(List.of(), spec.args());
        assertEquals(List.of(), spec.jvmArgs());
        assertEquals(Map.of(), spec.env());
        assertEquals(List.of(), spec.command());
        assertFalse(spec.isCommand());
        assertSame(CpuSet.EMPTY, spec.cpus());
        assertSame(RespawnPolicy.onFailure(), spec.respawnPolicy());
        assertSame(Output.forward(), spec.output());
    }

    @Test
    void shouldApplyOptions()
    {
        final Path dir = Path.of("logs");
        final Spec spec = spec(
            "com.acme.WebWorker",
            cpu(1),
            args("--port", "8080"),
            args("--verbose"),
            jvmArgs("-Xmx64m"),
            env("A", "1"),
            env("B", "2"),
            name("web"),
            respawn(RespawnPolicy.never()),
            output(Output.toDirectory(dir)));

        assertEquals("web", spec.name());
        assertEquals(CpuSet.of(1), spec.cpus());
        assertEquals(List.of("--port", "8080", "--verbose"), spec.args());
        assertEquals(List.of("-Xmx64m"), spec.jvmArgs());
        assertEquals(List.of("A", "B"), List.copyOf(spec.env().keySet()));
        assertEquals(RespawnPolicy.never(), spec.respawnPolicy());
        assertEquals(dir, spec.output().directory().orElseThrow());
        assertTrue(spec.toString().contains("name=web"), spec.toString());
        assertTrue(spec.toString().contains("cpus=1"), spec.toString());
    }

    @Test
    void shouldCombineCpuOptions()
    {
        assertEquals(CpuSet.parse("0-3,6"), spec("x.Y", cpu(6), cpus(0, 1), cpuRange(2, 3)).cpus());
    }

    @Test
    void shouldNameCommandSpecs()
    {
        final Spec named = spec("cache", command("redis-server", "--port", "0"), args("--save", ""));
        assertTrue(named.isCommand());
        assertEquals("cache", named.name());
        assertEquals("cache", named.mainClass());
        assertEquals(List.of("redis-server", "--port", "0"), named.command());
        assertEquals(List.of("--save", ""), named.args());

        assertEquals("sleep", spec("", command("/bin/sleep", "5")).name());
        assertEquals("other", spec("cache", command("redis-server"), name("other")).name());
    }

    @Test
    void shouldRejectBlankMainClass()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> spec("  "));
        assertTrue(ex.getMessage().contains("mainClass must not be blank"), ex.getMessage());

        assertThrows(IllegalArgumentException.class, () -> spec(null));
    }

    @Test
    void shouldRejectMalformedMainClass()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> spec("com.acme.Web Worker"));
        assertTrue(ex.getMessage().contains("'com.acme.Web Worker' is not a Java class name"), ex.getMessage());

        assertThrows(IllegalArgumentException.class, () -> spec("com..Worker"));
        assertThrows(IllegalArgumentException.class, () -> spec("1abc"));
    }

    @Test
    void shouldRejectNullOptionNamingItsPosition()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> spec("x.Y", cpu(1), null));
        assertTrue(ex.getMessage().contains("option 1 is null"), ex.getMessage());

        assertThrows(IllegalArgumentException.class, () -> spec("x.Y", (SpawnOption[])null));
    }

    @Test
    void shouldRejectNegativeCpu()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> cpu(-1));
        assertTrue(ex.getMessage().startsWith("cpu -1 "), ex.getMessage());

        assertThrows(IllegalArgumentException.class, () -> cpus(1, -2));
        assertThrows(IllegalArgumentException.class, () -> cpus());
        assertThrows(IllegalArgumentException.class, () -> cpuRange(-1, 2));
        final IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class, () -> cpuRange(3, 1));
        assertTrue(backwards.getMessage().contains("backwards"), backwards.getMessage());
    }

    @Test
    void shouldRejectBadOptionValues()
    {
        assertThrows(IllegalArgumentException.class, () -> args((String[])null));
        final IllegalArgumentException nullArg =
            assertThrows(IllegalArgumentException.class, () -> args("a", null));
        assertTrue(nullArg.getMessage().contains("args[1] is null"), nullArg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> jvmArgs((String)null));
        assertThrows(IllegalArgumentException.class, () -> env("A=B", "x"));
        assertThrows(IllegalArgumentException.class, () -> env(" ", "x"));
        assertThrows(IllegalArgumentException.class, () -> env("A", null));
        assertThrows(IllegalArgumentException.class, () -> command());
        assertThrows(IllegalArgumentException.class, () -> command(" "));
        assertThrows(IllegalArgumentException.class, () -> respawn(null));
        assertThrows(IllegalArgumentException.class, () -> output(null));
        assertThrows(IllegalArgumentException.class, () -> Output.toDirectory(null));
    }

    @Test
    void shouldRejectBadNames()
    {
        for (final String bad : new String[]{ "", " ", "a b", "a/b", "a#1", "tab\tname" })
        {
            assertThrows(IllegalArgumentException.class, () -> name(bad), bad);
        }

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> spec("my worker", command("sleep", "1")));
        assertTrue(ex.getMessage().contains("'my worker'"), ex.getMessage());
    }

    @Test
    void shouldRejectSingleValuedOptionGivenTwice()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> spec("x.Y", name("a"), name("b")));
        assertTrue(ex.getMessage().contains("name(...) given twice"), ex.getMessage());

        assertThrows(IllegalArgumentException.class,
            () -> spec("x", command("a"), command("b")));
        assertThrows(IllegalArgumentException.class,
            () -> spec("x.Y", respawn(RespawnPolicy.always()), respawn(RespawnPolicy.never())));
    }

    @Test
    void shouldRejectJvmArgsOnCommandSpec()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> spec("x", command("sleep", "1"), jvmArgs("-Xmx1g")));
        assertTrue(ex.getMessage().contains("do not apply to a command"), ex.getMessage());
    }

    @Test
    void shouldMakeOneSpecPerAllowedCpu()
    {
        final List<Spec> specs = Spec.perCpu("com.acme.WebWorker", args("a"));
        final int[] allowed = CpuSet.allowed().toArray();

        assertEquals(allowed.length, specs.size());
        for (int i = 0; i < allowed.length; i++)
        {
            assertEquals(CpuSet.of(allowed[i]), specs.get(i).cpus());
            assertEquals(List.of("a"), specs.get(i).args());
            assertEquals("WebWorker", specs.get(i).name());
        }
    }

    @Test
    void shouldRejectCpuOptionInPerCpu()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Spec.perCpu("x.Y", cpu(0)));
        assertTrue(ex.getMessage().contains("remove the cpu option"), ex.getMessage());
    }

    @Test
    void shouldDescribeOptions()
    {
        assertEquals("cpu(3)", cpu(3).toString());
        assertEquals("cpus(1-2)", cpus(2, 1).toString());
        assertEquals("args[a, b]", args("a", "b").toString());
        assertTrue(respawn(RespawnPolicy.always().minInterval(Duration.ofMillis(10))).toString().contains("always"));
    }
}
