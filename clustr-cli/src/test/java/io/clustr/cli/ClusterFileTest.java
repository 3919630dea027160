package io.clustr.cli;

import io.clustr.Node;
import io.clustr.Readiness;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.RespawnPolicy;
import io.clustr.spawn.Spec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterFileTest
{
    private static final Path FILE = Path.of("cluster.properties");

    private static ClusterFile parse(final String... lines)
    {
        return ClusterFile.parse(FILE, List.of(lines));
    }

    private static String error(final String... lines)
    {
        return assertThrows(CliException.class, () -> parse(lines)).getMessage();
    }

    @Test
    void readsEveryKey()
    {
        final ClusterFile file = parse(
            "# a comment",
            "! another",
            "driver = standalone",
            "dir = /dev/shm/aeron-prod",
            "kill.grace = 2500ms",
            "",
            "worker.web.main = com.acme.WebWorker",
            "worker.web.group = front",
            "worker.web.count = 2",
            "worker.web.cpus = 0",
            "worker.web.args = --port 8080 \"a b\" 'c d' e\\ f",
            "worker.web.jvm-args = -Xmx64m \\",
            "    -Dx=y",
            "worker.web.env.MODE = fast",
            "worker.web.respawn = always",
            "worker.web.ready = listening",
            "worker.web.ready-timeout = 2m",
            "worker.sweep.command = bash -c 'sleep 1'",
            "worker.sweep.respawn = never");

        assertEquals("standalone", file.driver);
        assertEquals("/dev/shm/aeron-prod", file.directory);
        assertEquals(Duration.ofMillis(2500), file.killGrace);
        assertEquals(2, file.workers.size());

        final ClusterFile.WorkerSpec web = file.workers.get(0);
        assertEquals("web", web.key());
        assertEquals(7, web.line());
        assertEquals("front", web.group());
        assertEquals(Readiness.Kind.LISTENING, web.readiness().kind());
        assertEquals(Duration.ofMinutes(2), web.readiness().timeout());
        assertEquals(2, web.specs().size());
        final Spec spec = web.specs().get(0);
        assertEquals("com.acme.WebWorker", spec.mainClass());
        assertEquals("web", spec.name());
        assertEquals(List.of("--port", "8080", "a b", "c d", "e f"), spec.args());
        assertEquals(List.of("-Xmx64m", "-Dx=y"), spec.jvmArgs());
        assertEquals(Map.of("MODE", "fast", Node.GROUP_ENV, "front"), spec.env());
        assertEquals(CpuSet.of(0), spec.cpus());
        assertTrue(spec.respawnPolicy().shouldRespawn(0));

        final ClusterFile.WorkerSpec sweep = file.workers.get(1);
        assertTrue(sweep.command());
        assertEquals("sweep", sweep.group());
        assertEquals(List.of("bash", "-c", "sleep 1"), sweep.specs().get(0).command());
        assertEquals(RespawnPolicy.never().shouldRespawn(1), sweep.specs().get(0).respawnPolicy().shouldRespawn(1));
    }

    @Test
    void defaults()
    {
        final ClusterFile file = parse("worker.web.main = com.acme.WebWorker");
        assertEquals("embedded", file.driver);
        assertNull(file.directory);
        assertNull(file.killGrace);
        final ClusterFile.WorkerSpec web = file.workers.get(0);
        assertEquals("web", web.group());
        assertEquals(1, web.specs().size());
        assertEquals(Readiness.Kind.ONLINE, web.readiness().kind());
        assertEquals(Readiness.DEFAULT_TIMEOUT, web.readiness().timeout());
        assertTrue(web.specs().get(0).cpus().isEmpty());
    }

    @Test
    void perCpuGivesOneWorkerPerAllowedCpu()
    {
        final ClusterFile file = parse("worker.web.main = com.acme.WebWorker", "worker.web.count = per-cpu");
        assertEquals(CpuSet.allowed().size(), file.workers.get(0).specs().size());
    }

    @Test
    void confirmationReadiness()
    {
        final ClusterFile file = parse("worker.web.main = com.acme.WebWorker", "worker.web.ready = warmed-up");
        final Readiness readiness = file.workers.get(0).readiness();
        assertEquals(Readiness.Kind.CONFIRMATION, readiness.kind());
        assertEquals("warmed-up", readiness.confirmationId());
    }

    @Test
    void unknownKeysNameTheKeyTheLineAndWhatIsAllowed()
    {
        final String cluster = error("worker.web.main = a.B", "drvier = embedded");
        assertTrue(cluster.startsWith("cluster.properties:2: key 'drvier': unknown key: the cluster keys are " +
            "[driver, dir, driver.profile, kill.grace, class-path]"), cluster);

        final String worker = error("worker.web.main = a.B", "worker.web.cout = 2");
        assertTrue(worker.startsWith("cluster.properties:2: key 'worker.web.cout': unknown key: a worker's keys " +
            "are worker.web.[main, command, group, count, cpus, args, jvm-args, env.<NAME>, respawn, ready, " +
            "ready-timeout]"), worker);
    }

    @Test
    void badValuesNameTheKeyTheLineAndWhatIsAllowed()
    {
        assertEquals("cluster.properties:2: key 'worker.web.count': 'two' is not a count of 1 or more, or per-cpu " +
            "(one worker pinned to each CPU this process may use)",
            error("worker.web.main = a.B", "worker.web.count = two"));
        assertEquals("cluster.properties:2: key 'worker.web.count': '0' is not a count of 1 or more, or per-cpu " +
            "(one worker pinned to each CPU this process may use)",
            error("worker.web.main = a.B", "worker.web.count = 0"));
        assertEquals("cluster.properties:2: key 'worker.web.respawn': 'sometimes' is not a respawn policy: use " +
            "on-failure (the default), always or never",
            error("worker.web.main = a.B", "worker.web.respawn = sometimes"));
        assertEquals("cluster.properties:1: key 'driver': 'remote' is not a driver: use embedded (the master runs " +
            "it) or standalone (attach to a running clustr-media-driver)",
            error("driver = remote", "worker.web.main = a.B"));
        assertEquals("cluster.properties:2: key 'worker.web.ready-timeout': '30' is not a duration: a positive " +
            "number with ms, s or m, e.g. 500ms, 30s, 2m",
            error("worker.web.main = a.B", "worker.web.ready-timeout = 30"));
        assertTrue(error("worker.web.main = a.B", "worker.web.cpus = 1-x")
            .startsWith("cluster.properties:2: key 'worker.web.cpus': '1-x' is not a CPU list"));
        assertEquals("cluster.properties:2: key 'worker.web.cpus': cpu 4000 is not one this process may use: its " +
            "CPUs are " + CpuSet.allowed().toList(), error("worker.web.main = a.B", "worker.web.cpus = 4000"));
        assertEquals("cluster.properties:1: key 'worker.web.main': 'com.acme.' is not a main class name, e.g. " +
            "com.acme.WebWorker", error("worker.web.main = com.acme."));
        assertTrue(error("worker.web.main = a.B", "worker.web.group = ")
            .startsWith("cluster.properties:2: key 'worker.web.group': group name must not be blank"));
        assertEquals("cluster.properties:2: key 'worker.web.args': unclosed \" quote",
            error("worker.web.main = a.B", "worker.web.args = \"a b"));
        assertEquals("cluster.properties:2: key 'worker.web.env.1X': '1X' is not an environment variable name " +
            "(letters, digits and _, not starting with a digit)",
            error("worker.web.main = a.B", "worker.web.env.1X = y"));
    }

    @Test
    void inconsistentFilesAreRefused()
    {
        assertEquals("cluster.properties:2: key 'worker.web.main' is given twice (also on line 1): keep one",
            error("worker.web.main = a.B", "worker.web.main = a.C"));
        assertEquals("cluster.properties:1: 'worker.web.main a.B' is no key = value line (a comment starts with #)",
            error("worker.web.main a.B"));
        assertEquals("cluster.properties:1: worker.web has neither main nor command: add worker.web.main = <main " +
            "class> or worker.web.command = <executable and args>", error("worker.web.count = 2"));
        assertEquals("cluster.properties:2: key 'worker.web.command': worker.web has a main class (line 1) and a " +
            "command: give one", error("worker.web.main = a.B", "worker.web.command = ls"));
        assertEquals("cluster.properties:2: key 'worker.web.jvm-args': a command is no JVM: jvm-args are for main " +
            "classes only", error("worker.web.command = ls", "worker.web.jvm-args = -Xmx1g"));
        assertEquals("cluster.properties:2: key 'worker.web.cpus': count = per-cpu pins each worker to its own " +
            "CPU: remove cpus", error("worker.web.main = a.B", "worker.web.cpus = 0", "worker.web.count = per-cpu"));
        assertEquals("cluster.properties:2: key 'worker.web.ready': a command cannot join the cluster, announce or " +
            "confirm: remove ready", error("worker.web.command = ls", "worker.web.ready = ready"));
        assertEquals("cluster.properties:3: worker.b joins group 'g' with ready = online, but worker.a (line 1) " +
            "gives it ready = ready: a group has one readiness", error(
            "worker.a.main = a.B", "worker.a.group = g", "worker.b.main = a.B", "worker.b.group = g",
            "worker.a.ready = ready"));
        assertEquals("cluster.properties:1: key 'driver.profile': a standalone driver has its own profile: remove " +
            "driver.profile, or use driver = embedded",
            error("driver.profile = shared", "driver = standalone", "worker.web.main = a.B"));
        assertEquals("cluster.properties: no workers: add at least one, e.g. worker.web.main = com.acme.WebWorker",
            error("driver = embedded"));
        assertEquals("cluster.properties:2: key 'worker.web.env.CLUSTR_GROUP': set the group with worker.web.group",
            error("worker.web.main = a.B", "worker.web.env.CLUSTR_GROUP = x"));
    }

    @Test
    void startupPrintsAUnitThatRunsTheFile()
    {
        final String unit = StartupCommand.unit("clustr cluster web.properties", Path.of("/opt/clustr/bin/clustr"),
            Path.of("/etc/clustr/web.properties"), "svc", "/usr/lib/jvm/java-17", Duration.ofSeconds(20));
        assertTrue(unit.contains("\nExecStart=/opt/clustr/bin/clustr run /etc/clustr/web.properties\n"), unit);
        assertTrue(unit.contains("\nUser=svc\n"), unit);
        assertTrue(unit.contains("\nKillMode=mixed\n"), unit);
        assertTrue(unit.contains("\nTimeoutStopSec=20\n"), unit);
        assertTrue(unit.contains("\nWorkingDirectory=/etc/clustr\n"), unit);
        assertTrue(unit.contains("\n[Install]\nWantedBy=multi-user.target\n"), unit);

        final String spaced = StartupCommand.unit("d", Path.of("/opt/my clustr/bin/clustr"),
            Path.of("/etc/a b/web.properties"), "svc", "/j", Duration.ofSeconds(20));
        assertTrue(spaced.contains("\nExecStart=\"/opt/my clustr/bin/clustr\" run \"/etc/a b/web.properties\"\n"),
            spaced);
    }
}
