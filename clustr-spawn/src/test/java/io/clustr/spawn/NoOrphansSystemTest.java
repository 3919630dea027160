package io.clustr.spawn;

import io.clustr.test.InterruptAfter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@InterruptAfter(30)
class NoOrphansSystemTest
{
    private final List<Long> pids = new ArrayList<>();
    private Process parent;

    @AfterEach
    void tearDown()
    {
        if (null != parent)
        {
            parent.destroyForcibly();
        }

        for (final long pid : pids)
        {
            Processes.kill(pid);
        }
    }

    @Test
    void shouldKillChildrenWhenParentIsKilled() throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        parent = new ProcessBuilder(
            java, "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
            OrphanParent.class.getName())
            .redirectErrorStream(true)
            .start();
        parent.getOutputStream().close();

        final BufferedReader reader = new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        final List<String> lines = new ArrayList<>();
        boolean jvmChildReady = false;
        String line;
        while ((pids.isEmpty() || !jvmChildReady) && null != (line = reader.readLine()))
        {
            lines.add(line);
            if (line.startsWith("pids "))
            {
                final String[] parts = line.split(" ");
                pids.add(Long.parseLong(parts[1]));
                pids.add(Long.parseLong(parts[2]));
            }
            else if (line.contains("[TestChild#") && line.endsWith("] ready"))
            {
                jvmChildReady = true;
            }
        }

        assertEquals(2, pids.size(), "parent output: " + lines);
        assertTrue(jvmChildReady, "parent output: " + lines);
        assertTrue(Processes.isRunning(pids.get(0)) && Processes.isRunning(pids.get(1)));

        parent.destroyForcibly();
        assertTrue(parent.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, parent.exitValue(), "the parent was SIGKILLed");

        for (final long pid : pids)
        {
            assertTrue(Processes.awaitGone(pid, 5000), "child " + pid + " outlived its SIGKILLed parent");
        }
    }
}
