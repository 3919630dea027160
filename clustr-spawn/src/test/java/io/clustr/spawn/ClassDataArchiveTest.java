package io.clustr.spawn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassDataArchiveTest
{
    @TempDir
    Path tmp;

    private Path file(final String name, final String content) throws IOException
    {
        final Path file = tmp.resolve(name);
        Files.writeString(file, content);

        return file;
    }

    private static String join(final Path... paths)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Path path : paths)
        {
            sb.append(sb.length() > 0 ? File.pathSeparator : "").append(path);
        }

        return sb.toString();
    }

    @Test
    void shouldArchiveJarClassPathWholeAndClassDirectoriesNot() throws IOException
    {
        final Path a = file("a.jar", "a");
        final Path b = file("b.jar", "b");
        final Path emptyDir = Files.createDirectory(tmp.resolve("empty"));
        final Path classes = Files.createDirectory(tmp.resolve("classes"));
        Files.writeString(classes.resolve("X.class"), "x");

        assertEquals(join(a, b), ClassDataArchive.archivableClassPath(join(a, b)));
        assertEquals(join(a, emptyDir), ClassDataArchive.archivableClassPath(join(a, emptyDir)));
        assertEquals(join(a, tmp.resolve("missing.jar")),
            ClassDataArchive.archivableClassPath(join(a, tmp.resolve("missing.jar"))));
        assertEquals("", ClassDataArchive.archivableClassPath(join(classes, a)), "JDK classes only");
        assertEquals("", ClassDataArchive.archivableClassPath(""));
        assertEquals("", ClassDataArchive.archivableClassPath(null));
    }

    @Test
    void shouldChangeKeyWhenAnythingTheArchiveDependsOnChanges() throws IOException
    {
        final Path a = file("a.jar", "a");
        final Path b = file("b.jar", "b");
        final String key = ClassDataArchive.key("/jdk", "17.0.15", join(a, b));

        assertEquals(key, ClassDataArchive.key("/jdk", "17.0.15", join(a, b)), "stable");
        assertEquals(32, key.length());
        assertNotEquals(key, ClassDataArchive.key("/jdk2", "17.0.15", join(a, b)));
        assertNotEquals(key, ClassDataArchive.key("/jdk", "17.0.16", join(a, b)));
        assertNotEquals(key, ClassDataArchive.key("/jdk", "17.0.15", join(b, a)));
        assertNotEquals(key, ClassDataArchive.key("/jdk", "17.0.15", join(a)));

        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() - 60_000));
        final String touched = ClassDataArchive.key("/jdk", "17.0.15", join(a, b));
        assertNotEquals(key, touched, "a rebuilt jar is another archive");

        final FileTime time = Files.getLastModifiedTime(b);
        Files.writeString(b, "bb");
        Files.setLastModifiedTime(b, time);
        assertNotEquals(touched, ClassDataArchive.key("/jdk", "17.0.15", join(a, b)), "same time, other size");
    }

    @Test
    void shouldTrainOneChildThenUseTheArchive() throws IOException
    {
        final Path dir = tmp.resolve("cds");
        final ClassDataArchive cds = new ClassDataArchive(true, dir, "/jdk", join(file("a.jar", "a")));
        assertTrue(cds.isEnabled());

        final JvmStartup training = cds.flags();
        assertEquals(1, training.jvmArgs().size());
        assertTrue(
            training.jvmArgs().get(0).startsWith("-XX:DumpLoadedClassList=" + dir), training.jvmArgs().toString());
        assertSame(JvmStartup.NONE, cds.flags(), "one training child at a time");

        Files.writeString(cds.archive(), "archive");
        assertEquals(List.of("-XX:SharedArchiveFile=" + cds.archive(), "-Xshare:auto"), cds.flags().jvmArgs());
        assertEquals(
            List.of("-XX:SharedArchiveFile=" + cds.archive(), "-Xshare:auto", "-XX:+UseSerialGC"),
            cds.flags().withDefaults(List.of("-XX:+UseSerialGC")),
            "before the defaults, so that every later flag overrides it");
    }

    @Test
    void shouldGiveNoFlagsWhenDisabledOrFailedBefore() throws IOException
    {
        final String classPath = join(file("a.jar", "a"));
        final ClassDataArchive disabled = new ClassDataArchive(false, tmp.resolve("off"), "/jdk", classPath);
        assertFalse(disabled.isEnabled());
        assertSame(JvmStartup.NONE, disabled.flags());
        assertFalse(Files.exists(tmp.resolve("off")), "nothing created when disabled");

        final Path dir = tmp.resolve("cds");
        final ClassDataArchive cds = new ClassDataArchive(true, dir, "/jdk", classPath);
        final String key = cds.archive().getFileName().toString().replace(".jsa", "");
        Files.writeString(dir.resolve(key + ".failed"), "dump exited with 1");
        assertSame(JvmStartup.NONE, cds.flags(), "a failed dump is not retried");
    }

    @Test
    void shouldCreatePrivateDirectoryAndRefuseSharedOne() throws IOException
    {
        final Path dir = tmp.resolve("private");
        assertTrue(ClassDataArchive.isPrivateDirectory(dir));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));

        final Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(ClassDataArchive.isPrivateDirectory(shared));
        assertSame(JvmStartup.NONE, new ClassDataArchive(true, shared, "/jdk", "").flags());

        final Path notADirectory = file("plain", "x");
        assertFalse(ClassDataArchive.isPrivateDirectory(notADirectory.resolve("sub")));
    }

    @Test
    void shouldRemoveWorkFilesOfProcessesThatAreGone() throws IOException
    {
        final String key = "0123456789abcdef0123456789abcdef";
        final long me = ProcessHandle.current().pid();
        final long gone = deadPid();
        final Path mine = file(key + "." + me + ".jsa.tmp", "x");
        final Path stale = file(key + "." + gone + ".jsa.tmp", "x");
        final Path staleList = file(key + "." + gone + ".classlist", "x");
        final Path staleLog = file(key + "." + gone + ".log", "x");
        final Path archive = file(key + ".jsa", "x");

        ClassDataArchive.removeLeftovers(tmp);

        assertTrue(Files.exists(mine) && Files.exists(archive));
        assertFalse(Files.exists(stale) || Files.exists(staleList) || Files.exists(staleLog));
    }

    @Test
    void shouldKeepOnlyTheNewestArchives() throws IOException
    {
        final List<Path> archives = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            final Path archive = file("archive" + i + ".jsa", "x");
            Files.setLastModifiedTime(archive, FileTime.fromMillis(1_000_000L * (i + 1)));
            archives.add(archive);
        }
        final Path other = file("notes.txt", "x");

        ClassDataArchive.pruneArchives(tmp, 2);

        assertEquals(List.of(false, false, false, true, true), List.of(
            Files.exists(archives.get(0)), Files.exists(archives.get(1)), Files.exists(archives.get(2)),
            Files.exists(archives.get(3)), Files.exists(archives.get(4))));
        assertTrue(Files.exists(other));
    }

    private static long deadPid() throws IOException
    {
        final Process process = new ProcessBuilder("true").start();
        try
        {
            process.waitFor();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }

        return process.pid();
    }
}
