package io.clustr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code clustr web}: a status page of the clusters of the host, served on loopback by the JDK's HTTP server.
 */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = {
        "Serves a status page of the clusters of this host (found as clustr ls finds them): workers, states, " +
            "restarts, message rates and per-stream rates with sparklines of the last minutes, and its data as JSON " +
            "at /api/status. One page, its script inline: nothing is fetched from elsewhere.",
        "Listens on 127.0.0.1 unless told otherwise; a host that is not loopback needs --allow-remote (the page " +
            "has no authentication). Ctrl-C stops it."
    })
final class WebCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8620",
        description = "Port to listen on (0: any free port). Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
        description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    private String host;

    @Option(names = "--allow-remote", description = "Allow a --host that is not loopback: anyone who can reach it " +
        "sees the cluster's workers, pids and rates.")
    private boolean allowRemote;

    @Option(names = "--dir", paramLabel = "DIR", description = "A driver directory to show (repeatable); " +
        "default: every one found on the host, looked for again at every sample.")
    private List<Path> directories = new ArrayList<>();

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
        description = "Time between samples, in ms (100 or more). Default: ${DEFAULT-VALUE}.")
    private long intervalMs;

    @Option(names = "--history", paramLabel = "SECONDS", defaultValue = "300",
        description = "How far back the sparklines reach. Default: ${DEFAULT-VALUE}.")
    private long historyS;

    @Override
    public Integer call() throws InterruptedException
    {
        if (port < 0 || port > 65535)
        {
            throw new CliException("--port must be 0 to 65535, not " + port);
        }
        if (intervalMs < 100)
        {
            throw new CliException("--interval must be 100 ms or more, not " + intervalMs);
        }
        if (historyS < 1 || historyS * 1000 / intervalMs > 100_000)
        {
            throw new CliException("--history must be 1 second or more and at most 100000 intervals, not " +
                historyS);
        }

        final InetAddress address = resolve(host, allowRemote);
        final PrintWriter err = spec.commandLine().getErr();
        if (!address.isLoopbackAddress())
        {
            err.println("clustr web: WARNING: listening on " + address.getHostAddress() + ", which is not " +
                "loopback: anyone who can reach it sees this host's clusters, their pids and rates " +
                "(no authentication)");
            err.flush();
        }

        final StatusServer server = StatusServer.start(
            directories, new InetSocketAddress(address, port), intervalMs, historyS * 1000);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            server.close();
            stopped.countDown();
        }, "clustr-web-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        final PrintWriter out = spec.commandLine().getOut();
        out.println("clustr web: serving http://" + hostForUrl(server.address()) + ":" + server.port() +
            "/ (data: /api/status); Ctrl-C stops");
        out.flush();
        stopped.await();

        return 0;
    }

    /**
     * @param host        the --host given.
     * @param allowRemote whether --allow-remote was given.
     * @return its address.
     * @throws CliException if it cannot be resolved, or is not loopback without allowRemote.
     */
    static InetAddress resolve(final String host, final boolean allowRemote)
    {
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new CliException("--host " + host + " is not an address of this host (" + ex.getMessage() + ")");
        }
        if (!address.isLoopbackAddress() && !allowRemote)
        {
            throw new CliException("refusing to listen on " + host + " (" + address.getHostAddress() + "): it is " +
                "not loopback, and the page has no authentication; add --allow-remote to do it anyway, or use " +
                "an SSH tunnel (ssh -L 8620:127.0.0.1:8620 HOST) to reach the default 127.0.0.1");
        }

        return address;
    }

    private static String hostForUrl(final InetAddress address)
    {
        final String text = address.getHostAddress();
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }
}
