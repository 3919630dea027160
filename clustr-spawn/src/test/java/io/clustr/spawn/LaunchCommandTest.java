package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.cpus;
import static io.clustr.spawn.SpawnOption.env;
import static io.clustr.spawn.SpawnOption.jvmArgs;
import static io.clustr.spawn.Spec.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class LaunchCommandTest
{
    private static final List<String> DEFAULTS = List.of("-XX:+UseSerialGC");

    @Test
    void shouldBuildUnpinnedJvmChild()
    {
        assertEquals(
            List.of("/usr/bin/setpriv", "--pdeathsig", "TERM", "--",
                "/jdk/bin/java", "-XX:+UseSerialGC", "-Xmx64m", "-cp", "a.jar:b.jar", "com.acme.Web", "--port", "1"),
            LaunchCommand.build(
                spec("com.acme.Web", jvmArgs("-Xmx64m"), args("--port", "1")),
                "/jdk/bin/java", "a.jar:b.jar", DEFAULTS, "/usr/bin/setpriv", "/usr/bin/taskset"));
    }

    @Test
    void shouldPinJvmChildWithTasksetAndReserveItsCpus()
    {
        assertEquals(
            List.of("/usr/bin/setpriv", "--pdeathsig", "TERM", "--", "/usr/bin/taskset", "-c", "1",
                "/jdk/bin/java", "-XX:+UseSerialGC", "-Daffinity.reserved=2", "-Xmx64m", "-cp", "cp", "x.Y"),
            LaunchCommand.build(
                spec("x.Y", cpu(1), jvmArgs("-Xmx64m")),
                "/jdk/bin/java", "cp", DEFAULTS, "/usr/bin/setpriv", "/usr/bin/taskset"));

        assertEquals(
            List.of("taskset", "-c", "0-2", "java", "-XX:+UseSerialGC", "-Daffinity.reserved=7", "-cp", "cp", "x.Y"),
            LaunchCommand.build(spec("x.Y", cpus(0, 1, 2)), "java", "cp", DEFAULTS, null, "taskset"));
    }

    @Test
    void shouldNotReserveCpusAffinityCannotParse()
    {
        final List<String> cmd = LaunchCommand.build(spec("x.Y", cpu(64)), "java", "cp", DEFAULTS, null, "taskset");

        assertEquals(List.of("taskset", "-c", "64", "java", "-XX:+UseSerialGC", "-cp", "cp", "x.Y"), cmd);
    }

    @Test
    void shouldRunWithoutWrappersWhenMissing()
    {
        assertEquals(
            List.of("java", "-cp", "cp", "x.Y"),
            LaunchCommand.build(spec("x.Y"), "java", "cp", List.of(), null, null));
        assertEquals(
            List.of("java", "-Daffinity.reserved=2", "-cp", "cp", "x.Y"),
            LaunchCommand.build(spec("x.Y", cpu(1)), "java", "cp", List.of(), null, null));
    }

    @Test
    void shouldDropDefaultInitialHeapWhenSpecSizesHeap()
    {
        final List<String> defaults = List.of("-XX:+UseSerialGC", "-Xms16m");

        assertEquals(
            List.of("java", "-XX:+UseSerialGC", "-Xmx8m", "-cp", "cp", "x.Y"),
            LaunchCommand.build(spec("x.Y", jvmArgs("-Xmx8m")), "java", "cp", defaults, null, null));
        assertEquals(
            List.of("java", "-XX:+UseSerialGC", "-XX:InitialHeapSize=4m", "-cp", "cp", "x.Y"),
            LaunchCommand.build(spec("x.Y", jvmArgs("-XX:InitialHeapSize=4m")), "java", "cp", defaults, null, null));
        assertEquals(
            List.of("java", "-XX:+UseSerialGC", "-Xms16m", "-Dx=y", "-cp", "cp", "x.Y"),
            LaunchCommand.build(spec("x.Y", jvmArgs("-Dx=y")), "java", "cp", defaults, null, null));
    }

    @Test
    void shouldBuildCommandChild()
    {
        assertEquals(
            List.of("setpriv", "--pdeathsig", "TERM", "--", "taskset", "-c", "1", "bash", "-c", "exit 3", "extra"),
            LaunchCommand.build(
                spec("worker", command("bash", "-c", "exit 3"), cpu(1), args("extra")),
                "java", "cp", DEFAULTS, "setpriv", "taskset"));
    }

    @Test
    void shouldFindExecutables()
    {
        final String path = System.getenv("PATH");

        assertNotNull(LaunchCommand.findExecutable("sh", path));
        assertNotNull(LaunchCommand.findExecutable("/bin/sh", null));
        assertNull(LaunchCommand.findExecutable("no-such-program-clustr", path));
        assertNull(LaunchCommand.findExecutable("/no/such/program", path));
        assertNull(LaunchCommand.findExecutable("sh", null));
        assertNull(LaunchCommand.findExecutable("/tmp", path));
    }

    @Test
    void shouldSearchSpecPathFirst()
    {
        assertEquals("/nowhere", LaunchCommand.searchPath(spec("x", command("sh"), env("PATH", "/nowhere"))));
        assertFalse(LaunchCommand.searchPath(spec("x", command("sh"))).isEmpty());
    }
}
