package io.clustr.examples.calls;

import io.clustr.Options;
import io.clustr.Worker;
import io.clustr.patterns.call.CallServer;

import java.nio.charset.StandardCharsets;

/**
 * A slave of the commander example: serves luafan's {@code test(a, b)} (returns {@code true, a + b, a * b}), a
 * {@code fail} that throws, and a {@code slow} that takes 30 s, at most 2 at once (luafan's {@code max_job_count}).
 */
public final class CommanderSlave
{
    private CommanderSlave()
    {
    }

    /**
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(Options.group("slave"));
        CallServer.on(worker)
            .maxInFlight(2)
            .serve("test", (request) ->
            {
                final String[] ab = new String(request, StandardCharsets.UTF_8).split(",");
                final long a = Long.parseLong(ab[0]);
                final long b = Long.parseLong(ab[1]);
                Thread.sleep(50);
                return ("true," + (a + b) + "," + (a * b)).getBytes(StandardCharsets.UTF_8);
            })
            .serve("fail", (request) ->
            {
                throw new IllegalArgumentException("test() needs two numbers, got '" +
                    new String(request, StandardCharsets.UTF_8) + "'");
            })
            .serve("slow", (request) ->
            {
                Thread.sleep(30_000);
                return request;
            })
            .start();
        worker.confirm("ready");
    }
}
