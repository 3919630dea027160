package io.clustr.examples.demo;

import io.clustr.Channel;
import io.clustr.LifecycleListener;
import io.clustr.Master;
import io.clustr.WorkerHandle;
import io.clustr.WorkerInfo;
import io.clustr.spawn.CpuSet;
import io.clustr.spawn.ExitStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.cpu;
import static io.clustr.spawn.SpawnOption.name;
import static io.clustr.spawn.Spec.spec;

/**
 * The demo master: spawns two web workers and a cache worker, each pinned to a CPU of this machine; waits for their
 * three "ready" confirmations; says hello on the public stream, to the web group and privately to the cache; lets a
 * web worker query the cache; kills a web worker with exit code 42 and watches it being respawned; prints the
 * cluster view; and closes, which stops the rest. Exits by itself after a few seconds.
 */
public final class DemoMaster
{
    private DemoMaster()
    {
    }

    /**
     * Run the demo.
     *
     * @param args ignored.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int[] cpus = CpuSet.allowed().toArray();
        final int last = cpus[cpus.length - 1];

        // tag::master[]
        try (Master master = Master.create())
        {
            log("master started: pid " + ProcessHandle.current().pid() + ", media driver in " +
                master.aeronDirectoryName());

            final CountDownLatch ready = new CountDownLatch(1);
            final CountDownLatch answered = new CountDownLatch(1);
            final CountDownLatch respawned = new CountDownLatch(1);
            master.onConfirmation(3, "ready", (confirmations) ->
            {
                log("3 workers confirmed ready: " + confirmations);
                ready.countDown();
            });
            master.onPrivate((msg) ->
            {
                log("private from worker " + msg.senderId() + " (" + msg.senderGroup() + "): " + msg.text());
                answered.countDown();
            });
            master.onLifecycle(new LifecycleListener()
            {
                public void onFork(final WorkerHandle worker)
                {
                    log("fork   " + worker.label());
                }

                public void onOnline(final WorkerHandle worker)
                {
                    log("online " + worker.label() + (worker.restarts() > 0 ? " (respawned)" : ""));
                    if (worker.restarts() > 0)
                    {
                        respawned.countDown();
                    }
                }

                public void onExit(final WorkerHandle worker, final ExitStatus status, final boolean respawning)
                {
                    log("exit   " + worker.label() + ": " + status.reason() + (respawning ? ", respawning" : ""));
                }
            });

            final List<WorkerHandle> workers = master.spawn(List.of(
                spec(WebWorker.class.getName(), name("web"), cpu(last)),
                spec(WebWorker.class.getName(), name("web"), cpu(last)),
                spec(CacheWorker.class.getName(), name("cache"), cpu(cpus[0]), args("--size", "64m"))));

            if (!ready.await(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("workers did not confirm ready within 30 s");
            }

            master.publish(Channel.PUBLIC, "hello everyone");
            master.publish(Channel.group("web"), "hello web workers");
            master.publish(Channel.worker(workers.get(2).id()), "hello cache, from the master");
            master.publish(Channel.worker(workers.get(0).id()), "lookup:" + workers.get(2).id() + ":user:42");
            answered.await(10, TimeUnit.SECONDS);

            // A non-zero exit is a failure: the default respawn policy starts a replacement with a new id.
            final ExitStatus killed = master.killWorker(workers.get(1).id(), 42).join();
            log("killed web worker " + workers.get(1).id() + ": it exited with " + killed.code());
            respawned.await(10, TimeUnit.SECONDS);

            printCluster(master.workers());
            log("closing: the master stops its workers, then its media driver");
        }
        // end::master[]
        log("done");
    }

    private static void printCluster(final List<WorkerInfo> workers)
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format("%-6s %-6s %-7s %-7s %-5s %-7s %s", "id", "group", "pid", "cpus", "lock", "state",
            "restarts"));
        for (final WorkerInfo w : workers)
        {
            lines.add(String.format("%-6d %-6s %-7d %-7s %-5d %-7s %d", w.id(), w.group(), w.pid(), w.cpus(),
                w.pinnedCpu(), w.state(), w.restarts()));
        }
        log("cluster view:\n    " + String.join("\n    ", lines));
    }

    static void log(final String message)
    {
        System.out.println("[master] " + message);
    }
}
