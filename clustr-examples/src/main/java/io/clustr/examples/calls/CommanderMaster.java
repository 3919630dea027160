package io.clustr.examples.calls;

import io.clustr.Master;
import io.clustr.patterns.call.CallClient;
import io.clustr.patterns.call.CallException;
import io.clustr.patterns.call.Reply;
import io.clustr.spawn.RespawnPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;

/**
 * luafan's own {@code fan.worker} example: a master (the commander) calls {@code test(a, b)} on 3 slave workers,
 * each running at most 2 calls at once; 20 calls at once, so 14 wait their turn. Then the two error paths luafan gets
 * wrong or barely has: a function that throws (luafan loses the error and the caller hangs; here the caller gets
 * it), and a slave that dies with a call in flight ("slave dead.": here at once, naming the slave).
 */
public final class CommanderMaster
{
    private CommanderMaster()
    {
    }

    /**
     * Run the example.
     *
     * @param args ignored.
     * @throws Exception if the example fails.
     */
    public static void main(final String[] args) throws Exception
    {
        try (Master master = Master.create())
        {
            log("master started, media driver in " + master.aeronDirectoryName());
            final CountDownLatch ready = new CountDownLatch(1);
            master.onConfirmation(3, "ready", ready::countDown);
            master.spawn(List.of(
                spec(CommanderSlave.class.getName(), respawn(RespawnPolicy.never())),
                spec(CommanderSlave.class.getName(), respawn(RespawnPolicy.never())),
                spec(CommanderSlave.class.getName(), respawn(RespawnPolicy.never()))));
            if (!ready.await(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("the 3 slaves did not confirm ready within 60 s");
            }

            try (CallClient commander = CallClient.on(master).start())
            {
                final long startNs = System.nanoTime();
                final List<CompletableFuture<Reply>> calls = new ArrayList<>();
                for (int i = 1; i <= 20; i++)
                {
                    calls.add(commander.call("slave", "test", i + "," + (i + 1)));
                }
                log("20 calls made: " + commander.inFlight() + " in flight, " + commander.queued() + " waiting");
                for (int i = 1; i <= 20; i++)
                {
                    final Reply reply = calls.get(i - 1).get(30, TimeUnit.SECONDS);
                    log("test(" + i + ", " + (i + 1) + ") = " + reply.text() + "   (slave " + reply.workerId() + ")");
                }
                log("20 calls in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) +
                    " ms (3 slaves x 2 at once, 50 ms each)");

                try
                {
                    commander.call("slave", "fail", "x").get(30, TimeUnit.SECONDS);
                }
                catch (final ExecutionException ex)
                {
                    log("fail(x) failed: " + ex.getCause().getMessage());
                }

                final CompletableFuture<Reply> slow = commander.call("slave", "slow", "zzz");
                final long victim = awaitBusySlave(master, commander);
                log("killing slave " + victim + " while it runs slow()");
                master.killWorker(victim, 0);
                try
                {
                    slow.get(30, TimeUnit.SECONDS);
                }
                catch (final ExecutionException ex)
                {
                    final CallException error = (CallException)ex.getCause();
                    log("slow() failed (" + error.kind() + "): " + error.getMessage());
                }
                log("after the death, test(2, 3) = " + commander.call("slave", "test", "2,3")
                    .get(30, TimeUnit.SECONDS).text());
            }
            log("done");
        }
    }

    private static long awaitBusySlave(final Master master, final CallClient commander) throws InterruptedException
    {
        while (true)
        {
            for (final io.clustr.WorkerInfo slave : master.workers())
            {
                if (commander.inFlightOn(slave.id()) > 0)
                {
                    return slave.id();
                }
            }
            Thread.sleep(1);
        }
    }

    private static void log(final String line)
    {
        System.out.println("[commander] " + line);
    }
}
