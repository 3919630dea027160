package io.clustr.spawn;

import io.clustr.spawn.internal.SupervisorControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupervisorContextTest
{
    @AfterEach
    void clearProperties()
    {
        System.clearProperty(Supervisor.Configuration.STOP_GRACE_PROP_NAME);
        System.clearProperty(Supervisor.Configuration.JVM_ARGS_PROP_NAME);
        System.clearProperty(Supervisor.Configuration.PARENT_DEATH_SIGNAL_PROP_NAME);
    }

    @Test
    void shouldRequireIdSupplier()
    {
        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> Supervisor.launch(new Supervisor.Context()));

        assertTrue(ex.getMessage().contains("idSupplier"), ex.getMessage());
    }

    @Test
    void shouldConcludeOnce()
    {
        final Supervisor.Context ctx = new Supervisor.Context().idSupplier(() -> 1);
        ctx.conclude();

        assertThrows(IllegalStateException.class, ctx::conclude);
    }

    @Test
    void shouldFillDefaults()
    {
        final Supervisor.Context ctx = new Supervisor.Context().idSupplier(() -> 1).conclude();

        assertEquals(System.getProperty("java.home"), ctx.javaHome());
        assertEquals(System.getProperty("java.class.path"), ctx.classPath());
        assertEquals(Supervisor.Configuration.DEFAULT_JVM_ARGS, ctx.defaultJvmArgs());
        assertEquals(Duration.ofSeconds(5), ctx.stopGrace());
        assertSame(System.out, ctx.out());
        assertSame(System.err, ctx.err());
        assertEquals(Supervisor.Configuration.NULL_ID, ctx.parentId());
        assertTrue(ctx.parentDeathSignal());
        assertNotNull(ctx.listener());
        assertNotNull(ctx.environment());
    }

    @Test
    void shouldHaveAddOpensInDefaultJvmArgs()
    {
        assertTrue(Supervisor.Configuration.DEFAULT_JVM_ARGS.containsAll(Supervisor.Configuration.ADD_OPENS_JVM_ARGS));
        assertTrue(Supervisor.Configuration.DEFAULT_JVM_ARGS.contains("-XX:+UseSerialGC"));
    }

    @Test
    void shouldReadSystemProperties()
    {
        System.setProperty(Supervisor.Configuration.STOP_GRACE_PROP_NAME, "250ms");
        System.setProperty(Supervisor.Configuration.JVM_ARGS_PROP_NAME, " -Xmx64m  -Dx=y ");
        System.setProperty(Supervisor.Configuration.PARENT_DEATH_SIGNAL_PROP_NAME, "false");

        final Supervisor.Context ctx = new Supervisor.Context();

        assertEquals(Duration.ofMillis(250), ctx.stopGrace());
        final List<String> jvmArgs = ctx.defaultJvmArgs();
        assertEquals(List.of("-Xmx64m", "-Dx=y"), jvmArgs.subList(jvmArgs.size() - 2, jvmArgs.size()));
        assertEquals(false, ctx.parentDeathSignal());
    }

    @Test
    void shouldParseDurations()
    {
        assertEquals(5, Supervisor.Configuration.parseDurationNs("p", "5", 0));
        assertEquals(5, Supervisor.Configuration.parseDurationNs("p", "5ns", 0));
        assertEquals(TimeUnit.MICROSECONDS.toNanos(7), Supervisor.Configuration.parseDurationNs("p", "7us", 0));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), Supervisor.Configuration.parseDurationNs("p", "500ms", 0));
        assertEquals(TimeUnit.SECONDS.toNanos(5), Supervisor.Configuration.parseDurationNs("p", " 5S ", 0));
        assertEquals(TimeUnit.MINUTES.toNanos(2), Supervisor.Configuration.parseDurationNs("p", "2m", 0));
        assertEquals(42, Supervisor.Configuration.parseDurationNs("p", null, 42));

        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Supervisor.Configuration.parseDurationNs("clustr.x", "5 parsecs", 0));
        assertTrue(ex.getMessage().contains("clustr.x=5 parsecs"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Supervisor.Configuration.parseDurationNs("p", "ms", 0));
    }

    @Test
    void shouldRejectNegativeStopGrace()
    {
        final Supervisor.Context ctx = new Supervisor.Context().idSupplier(() -> 1).stopGrace(Duration.ofSeconds(-1));

        assertThrows(IllegalStateException.class, ctx::conclude);
    }

    @Test
    void shouldRejectNullJvmArg()
    {
        assertThrows(
            IllegalArgumentException.class,
            () -> new Supervisor.Context().defaultJvmArgs(java.util.Arrays.asList("-Xmx1g", null)));
    }

    @Test
    void shouldAcceptImmutableDefaultJvmArgs()
    {
        final Supervisor.Context ctx = new Supervisor.Context()
            .idSupplier(() -> 1)
            .defaultJvmArgs(Supervisor.Configuration.DEFAULT_JVM_ARGS)
            .conclude();

        assertEquals(Supervisor.Configuration.DEFAULT_JVM_ARGS, ctx.defaultJvmArgs());
    }

    @Test
    void shouldRejectBadSpawnInputWithoutLaunching()
    {
        try (Supervisor supervisor = Supervisor.launch(new Supervisor.Context().idSupplier(() -> 1)))
        {
            final IllegalArgumentException empty =
                assertThrows(IllegalArgumentException.class, () -> supervisor.spawn(List.of()));
            assertTrue(empty.getMessage().contains("empty"), empty.getMessage());

            assertThrows(IllegalArgumentException.class, () -> supervisor.spawn(null));
            final IllegalArgumentException nullSpec = assertThrows(
                IllegalArgumentException.class,
                () -> supervisor.spawn(java.util.Arrays.asList(Spec.spec("x.Y"), null)));
            assertTrue(nullSpec.getMessage().contains("spec 1 of 2 is null"), nullSpec.getMessage());

            final IllegalArgumentException noCommand = assertThrows(
                IllegalArgumentException.class,
                () -> supervisor.spawn(List.of(Spec.spec("x", SpawnOption.command("no-such-program-clustr")))));
            assertTrue(noCommand.getMessage().contains("not found on the PATH"), noCommand.getMessage());

            assertThrows(IllegalArgumentException.class, () -> supervisor.terminate(1, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> SupervisorControl.expectExit(supervisor, 1, null));
            assertTrue(supervisor.children().isEmpty());
        }
    }

    @Test
    void shouldBeIdempotentOnCloseAndRefuseSpawnAfter()
    {
        final Supervisor supervisor = Supervisor.launch(new Supervisor.Context().idSupplier(() -> 1));
        supervisor.close();
        supervisor.close();

        assertTrue(supervisor.isClosed());
        assertThrows(IllegalStateException.class, () -> supervisor.spawn(List.of(Spec.spec("x.Y"))));
        supervisor.terminate(1, Duration.ZERO);
        SupervisorControl.markOnline(supervisor, 1);
        assertEquals(null, supervisor.child(1));
    }
}
