package io.clustr.spawn;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.Spec.spec;

/**
 * A parent process for the no-orphans test: spawns a {@code sleep 600} child and a JVM child, prints
 * {@code "pids <sleep> <jvm>"}, forwards their output, and waits to be killed.
 */
public final class OrphanParent
{
    private OrphanParent()
    {
    }

    /**
     * Entry point.
     *
     * @param args none.
     * @throws InterruptedException when interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final AtomicLong ids = new AtomicLong();
        final Supervisor supervisor = Supervisor.launch(new Supervisor.Context().idSupplier(ids::incrementAndGet));
        final List<ChildProcess> children = supervisor.spawn(List.of(
            spec("sleeper", command("sleep", "600")),
            spec(TestChild.class.getName(), args("sleep", "600000"))));

        System.out.println("pids " + children.get(0).pid() + " " + children.get(1).pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
