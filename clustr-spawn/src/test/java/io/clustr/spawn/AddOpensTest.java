package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The add-opens flags live in config/jvm/add-opens.args. The build cannot use that file everywhere (Maven 3's
 * .mvn/jvm.config resolves an @argfile against the working directory), so the copies left are checked here: any
 * add-opens flag written anywhere in the project must be one of the file's.
 */
class AddOpensTest
{
    private static final Pattern FLAG = Pattern.compile("--add-opens[= ]+\"?([\\w.]+/[\\w.]+=[\\w-]+)");
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path ARG_FILE = ROOT.resolve("config/jvm/add-opens.args");

    @Test
    void shouldReadFlagsFromTheArgFile() throws IOException
    {
        final List<String> fromFile = ArgFile.parse(Files.readString(ARG_FILE, StandardCharsets.UTF_8));

        assertEquals(fromFile, Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        assertEquals(3, fromFile.size(), fromFile.toString());
        for (final String flag : fromFile)
        {
            assertTrue(flag.startsWith("--add-opens=java.base/"), flag);
        }
        assertEquals(
            fromFile,
            Supervisor.Configuration.DEFAULT_JVM_ARGS.subList(0, fromFile.size()),
            "children get them first");
    }

    @Test
    void shouldParseArgFileComments()
    {
        assertEquals(List.of("-Da=b", "--x=y"), ArgFile.parse("# comment\n\n  -Da=b  \r\n#--no\n--x=y"));
    }

    @Test
    void shouldPointTheBuildAtTheArgFile() throws IOException
    {
        final String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);

        assertTrue(
            pom.contains("<clustr.add.opens>@${maven.multiModuleProjectDirectory}/config/jvm/add-opens.args<"),
            "the root pom's clustr.add.opens is the @argfile");
    }

    @Test
    void shouldHaveNoOtherAddOpensThanTheArgFile() throws IOException
    {
        final List<String> allowed = List.copyOf(Supervisor.Configuration.ADD_OPENS_JVM_ARGS);
        final List<String> strays = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (isProjectText(file))
                {
                    final Matcher m = FLAG.matcher(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
                    while (m.find())
                    {
                        if (!allowed.contains("--add-opens=" + m.group(1)))
                        {
                            strays.add(ROOT.relativize(file) + ": " + m.group());
                        }
                    }
                }
            }
        }

        assertTrue(strays.isEmpty(), "add-opens flags that are not in config/jvm/add-opens.args: " + strays);
    }

    private static boolean isProjectText(final Path file)
    {
        final String path = ROOT.relativize(file).toString();
        if (path.startsWith(".git") || path.contains("/target/") || path.startsWith("target/") ||
            path.contains("node_modules") || !Files.isRegularFile(file))
        {
            return false;
        }

        final String name = file.getFileName().toString();

        return name.endsWith(".java") || name.endsWith(".xml") || name.endsWith(".sh") || name.endsWith(".md") ||
            name.endsWith(".config") || name.endsWith(".args") || !name.contains(".");
    }
}
