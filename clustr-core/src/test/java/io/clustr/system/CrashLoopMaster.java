package io.clustr.system;

import io.clustr.Confirmation;
import io.clustr.LifecycleListener;
import io.clustr.Master;
import io.clustr.Options;
import io.clustr.WorkerHandle;
import io.clustr.spawn.RespawnPolicy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.clustr.spawn.SpawnOption.args;
import static io.clustr.spawn.SpawnOption.respawn;
import static io.clustr.spawn.Spec.spec;

/**
 * A master main whose cluster cannot come up: on the driver directory given as first argument it waits for 2
 * "ready" confirmations from a {@link TestWorker} and a {@link CrashingWorker} whose respawn policy escalates with
 * exit code 3 once 2 deaths are within its budget's window. It prints {@code PIDS <pid> <pid>} once both are forked,
 * {@code GAVE UP <id> <reason>} from its lifecycle listener, {@code WAIT FAILED <exception>} when its wait fails, and
 * then exits with 3 by escalation (or with 2 if it ever got both confirmations).
 */
public final class CrashLoopMaster
{
    static final int ESCALATION_EXIT_CODE = 3;

    private CrashLoopMaster()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Master master = Master.create(Options.aeronDirectory(args[0]));
        master.onLifecycle(new LifecycleListener()
        {
            @Override
            public void onRespawnGaveUp(final WorkerHandle lastWorker, final String reason)
            {
                System.out.println("GAVE UP " + lastWorker.id() + " " + reason);
            }
        });
        final CompletableFuture<List<Confirmation>> ready = master.awaitConfirmations(2, "ready");
        ready.whenComplete((confirmations, ex) ->
        {
            if (null == ex)
            {
                System.out.println("READY " + confirmations);
                System.exit(2);
            }
            System.out.println("WAIT FAILED " + ex.getClass().getName() + ": " + ex.getMessage());
        });

        final RespawnPolicy escalating = RespawnPolicy.onFailure()
            .minInterval(Duration.ofMillis(100))
            .backoff(Duration.ofMillis(200))
            .crashLoop(2, Duration.ofSeconds(30))
            .escalate(ESCALATION_EXIT_CODE);
        final List<WorkerHandle> workers = master.spawn(List.of(
            spec(TestWorker.class.getName(), args("web", "ready")),
            spec(CrashingWorker.class.getName(), respawn(escalating))));
        System.out.println("PIDS " + workers.get(0).pid() + " " + workers.get(1).pid());
        System.out.flush();
        master.awaitTermination();
    }
}
