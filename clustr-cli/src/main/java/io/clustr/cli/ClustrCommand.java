package io.clustr.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code clustr} command: {@code clustr ls}, {@code clustr stat}, {@code clustr kill}, {@code clustr clean},
 * {@code clustr logs}, {@code clustr run}, {@code clustr reload}, {@code clustr scale}, {@code clustr startup} and
 * the others listed by {@code clustr help}. Run it as
 * {@code bin/clustr} from the repository root, which builds it if needed and gives the JVM the flags it needs.
 */
@Command(
    name = "clustr",
    mixinStandardHelpOptions = true,
    version = "clustr 0.1.0-SNAPSHOT",
    description = "Lists, inspects and steers the clustr clusters of this host.",
    subcommands = {
        LsCommand.class, StatCommand.class, KillCommand.class, CleanCommand.class, MonitCommand.class,
        WebCommand.class, LogsCommand.class, RunCommand.class, ReloadCommand.class, ScaleCommand.class,
        StartupCommand.class, CommandLine.HelpCommand.class
    })
public final class ClustrCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    /**
     * Run the command and exit with its exit code.
     *
     * @param args command-line arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line, for {@link CommandLine#execute(String...)}; output goes to
     * {@link CommandLine#getOut()} and errors to {@link CommandLine#getErr()}, which callers may replace.
     */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new ClustrCommand());
        commandLine.setExecutionExceptionHandler((ex, cl, parseResult) ->
        {
            if (ex instanceof CliException)
            {
                cl.getErr().println("clustr " + cl.getCommandName() + ": " + ex.getMessage());
                cl.getErr().flush();
                return 1;
            }
            throw ex;
        });

        return commandLine;
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
