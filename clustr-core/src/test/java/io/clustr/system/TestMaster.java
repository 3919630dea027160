package io.clustr.system;

import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.command;
import static io.clustr.spawn.Spec.spec;

/**
 * A master main for tests that need the master in its own process: on the driver directory given as first argument
 * it spawns the number of {@link TestWorker}s given as second argument plus one {@code command(...)} child, waits for
 * the workers' "ready", prints {@code PIDS <pid> <pid> ...} and then waits until killed.
 */
public final class TestMaster
{
    private TestMaster()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int count = Integer.parseInt(args[1]);
        final Master master = Master.create(Options.aeronDirectory(args[0]));
        final CountDownLatch ready = new CountDownLatch(1);
        master.onConfirmation(count, "ready", ready::countDown);

        final List<io.clustr.spawn.Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            specs.add(spec(TestWorker.class.getName(), args(i % 2 == 0 ? "web" : "cache", "ready")));
        }
        specs.add(spec("sleeper", command("sleep", "600")));
        final List<WorkerHandle> workers = master.spawn(specs);

        if (!ready.await(30, TimeUnit.SECONDS))
        {
            System.out.println("NOT READY");
            System.exit(2);
        }
        System.out.println("PIDS " + workers.stream().map((w) -> Long.toString(w.pid()))
            .collect(Collectors.joining(" ")));
        System.out.flush();
        master.awaitTermination();
    }
}
