package io.clustr.bench.calls;

import io.clustr.bench.Args;
import io.clustr.bench.workload.BenchLine;
import io.clustr.bench.workload.ParentWatch;

/**
 * A worker process of the call and job workloads: serves one function ({@code --mode call}) or runs the jobs of a
 * queue ({@code --mode job}) over one system, one call or job at a time, until it is terminated. Prints
 * {@link BenchLine#READY} once it can take work.
 */
public final class CallWorkerMain
{
    /**
     * Name of the job queue of the job workload.
     */
    public static final String JOB_QUEUE = "jobs";

    private CallWorkerMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --system redis|nats|clustr --mode call|job [--function md5|empty] [--worker i]} and the
     *             system's own ({@code --host h --port n}).
     * @throws Exception when the system fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Args parsed = Args.parse(args);
        final CallTransport transport = CallTransports.create(parsed.required("system"), parsed);
        final String mode = parsed.string("mode", "call");
        final CallFunction fn = CallFunctions.forName(parsed.string("function", CallFunctions.EMPTY));
        final Runnable ready = () ->
        {
            System.out.println(BenchLine.READY);
            System.out.flush();
        };

        ParentWatch.start();
        switch (mode)
        {
            case "call":
                transport.serve(parsed.string("function", CallFunctions.EMPTY), fn, ready);
                break;

            case "job":
                transport.work(JOB_QUEUE, parsed.intValue("worker", 0), fn, ready);
                break;

            default:
                throw new IllegalArgumentException("unknown --mode '" + mode + "': use call or job");
        }
    }
}
