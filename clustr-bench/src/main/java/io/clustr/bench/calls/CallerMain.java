package io.clustr.bench.calls;

import io.clustr.bench.Args;
import io.clustr.bench.workload.ParentWatch;

import java.util.concurrent.TimeUnit;

/**
 * The calling process of the call and job workloads: {@code --mode call} drives {@code --callers} concurrent
 * callers of {@code --function} with {@link CallDriver}; {@code --mode job} submits fire-and-forget jobs to
 * {@code --workers} workers with {@link JobDriver}. Prints one {@code BENCH} line and exits.
 */
public final class CallerMain
{
    private CallerMain()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code --system redis|nats|clustr --mode call|job [--function md5|empty] [--callers n]
     *             [--workers n] [--msg-bytes n] [--warmup-ms n] [--duration-ms n]} and the system's own
     *             ({@code --host h --port n}).
     * @throws Exception when the system fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Args parsed = Args.parse(args);
        final CallTransport transport = CallTransports.create(parsed.required("system"), parsed);
        final String mode = parsed.string("mode", "call");
        final int msgBytes = parsed.intValue("msg-bytes", 32);
        final long warmupNs = TimeUnit.MILLISECONDS.toNanos(parsed.longValue("warmup-ms", 1000));
        final long durationNs = TimeUnit.MILLISECONDS.toNanos(parsed.longValue("duration-ms", 3000));

        ParentWatch.start();
        switch (mode)
        {
            case "call":
            {
                final String function = parsed.string("function", CallFunctions.EMPTY);
                final int callers = parsed.intValue("callers", 1);
                try (CallClient client = transport.client(function, callers))
                {
                    System.out.println(new CallDriver(client, function, callers, msgBytes).run(warmupNs, durationNs));
                }
                break;
            }

            case "job":
                try (JobSubmitter submitter = transport.submitter(
                    CallWorkerMain.JOB_QUEUE, parsed.intValue("workers", 1)))
                {
                    System.out.println(new JobDriver(submitter, msgBytes).run(warmupNs, durationNs));
                }
                break;

            default:
                throw new IllegalArgumentException("unknown --mode '" + mode + "': use call or job");
        }

        System.out.flush();
        System.exit(0);
    }
}
