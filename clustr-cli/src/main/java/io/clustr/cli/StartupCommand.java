package io.clustr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code clustr startup FILE}: prints a systemd unit that runs {@code clustr run FILE} as a service (PM2's
 * {@code startup}). The file is checked first, so a unit is never printed for a file {@code clustr run} would refuse.
 * systemd stops the service with SIGTERM to the master only ({@code KillMode=mixed}): the master stops its workers
 * and removes its driver directory; whatever is left after {@code TimeoutStopSec} is killed.
 */
@Command(
    name = "startup",
    mixinStandardHelpOptions = true,
    description = {
        "Prints a systemd unit that runs 'clustr run FILE' as a service. Install it with: clustr startup FILE > " +
            "/etc/systemd/system/NAME.service && systemctl daemon-reload && systemctl enable --now NAME"
    })
final class StartupCommand implements Callable<Integer>
{
    /**
     * Environment variable with the clustr checkout, set by {@code bin/clustr}.
     */
    static final String HOME_ENV = "CLUSTR_HOME";

    private static final Duration STOP_MARGIN = Duration.ofSeconds(15);

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The cluster file.")
    private Path file;

    @Option(names = "--user", paramLabel = "USER", description = "User the service runs as. Default: ${sys:user.name}.")
    private String user = System.getProperty("user.name");

    @Option(names = "--clustr", paramLabel = "PATH",
        description = "The clustr launcher the unit runs. Default: bin/clustr of this checkout.")
    private Path launcher;

    @Option(names = "--description", paramLabel = "TEXT", description = "The unit's Description.")
    private String description;

    @Override
    public Integer call()
    {
        final ClusterFile cluster = ClusterFile.read(file);
        final Path clusterFile = file.toAbsolutePath().normalize();
        final Path clustr = null != launcher ? launcher.toAbsolutePath().normalize() : defaultLauncher();
        if (!Files.isExecutable(clustr))
        {
            throw new CliException(clustr + " is not an executable: give the clustr launcher with --clustr PATH");
        }
        if (user.isBlank() || user.chars().anyMatch(Character::isWhitespace))
        {
            throw new CliException("'" + user + "' is not a user name (--user)");
        }

        final Duration grace = null == cluster.killGrace ? Duration.ofSeconds(5) : cluster.killGrace;
        final PrintWriter out = spec.commandLine().getOut();
        out.print(unit(
            null == description ? "clustr cluster " + clusterFile.getFileName() : description,
            clustr, clusterFile, user, System.getProperty("java.home"), grace.plus(STOP_MARGIN)));
        out.flush();
        return 0;
    }

    static String unit(
        final String description,
        final Path clustr,
        final Path clusterFile,
        final String user,
        final String javaHome,
        final Duration stopTimeout)
    {
        return "# Made by: clustr startup " + clusterFile + "\n" +
            "# Install: save as /etc/systemd/system/<name>.service, then\n" +
            "#   systemctl daemon-reload && systemctl enable --now <name>\n" +
            "[Unit]\n" +
            "Description=" + description + "\n" +
            "After=network.target\n" +
            "\n" +
            "[Service]\n" +
            "Type=simple\n" +
            "User=" + user + "\n" +
            "WorkingDirectory=" + quote(clusterFile.getParent().toString()) + "\n" +
            "Environment=" + quote("JAVA_HOME=" + javaHome) + "\n" +
            "ExecStart=" + quote(clustr.toString()) + " run " + quote(clusterFile.toString()) + "\n" +
            "# SIGTERM to the master only: it stops its workers and removes its driver directory\n" +
            "KillMode=mixed\n" +
            "KillSignal=SIGTERM\n" +
            "TimeoutStopSec=" + stopTimeout.toSeconds() + "\n" +
            "# the JVM exits with 143 after SIGTERM: a clean stop\n" +
            "SuccessExitStatus=143\n" +
            "Restart=on-failure\n" +
            "RestartSec=2\n" +
            "\n" +
            "[Install]\n" +
            "WantedBy=multi-user.target\n";
    }

    private static String quote(final String value)
    {
        if (value.chars().noneMatch((c) -> Character.isWhitespace(c) || '"' == c || '\\' == c || '%' == c))
        {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%") + '"';
    }

    private static Path defaultLauncher()
    {
        final String home = System.getenv(HOME_ENV);
        if (null == home || home.isBlank())
        {
            throw new CliException("cannot tell where bin/clustr is (run this through bin/clustr, which sets " +
                HOME_ENV + ", or give --clustr PATH)");
        }
        return Path.of(home, "bin", "clustr").toAbsolutePath().normalize();
    }
}
