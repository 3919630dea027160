package io.clustr.spawn;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AppCDS archive of JVM children: a static class-data-sharing archive made once per (JVM, class path) and mapped
 * by every JVM child after that ({@code -XX:SharedArchiveFile}), so a child does not parse, verify and link the same
 * few thousand classes again. It cuts a JVM child's start by a third and its resident memory by several MiB (figures
 * in {@link Supervisor.Configuration#DEFAULT_JVM_ARGS}).
 * <p>
 * <b>Where.</b> {@code <dir>/<key>.jsa}, {@code dir} from {@link Supervisor.Context#classDataArchiveDir(Path)}
 * (default {@code ${java.io.tmpdir}/clustr-cds-${user.name}}, created {@code rwx------}; a directory that others may
 * write to is refused, since an archive is code). The key hashes {@code java.home}, {@code java.vm.version}, the
 * archived class path and the size and modification time of each of its entries: a rebuilt jar or another class path
 * is another key, so a stale archive is never used (and the JVM checks the jars again itself).
 * <p>
 * <b>What.</b> The JDK cannot archive classes from a non-empty directory on the class path (with one there,
 * {@code -XX:ArchiveClassesAtExit} even stops the JVM from starting). A class path of jars is archived whole; one
 * with class directories (a build's {@code target/classes}) gets an archive of the JDK's own classes only, which the
 * JVM maps whatever the application class path is.
 * <p>
 * <b>How, without blocking spawn.</b> While no archive exists, the first JVM child of this process is launched with
 * {@code -XX:DumpLoadedClassList=<file>}: a real child is the best training run, and the flag costs it nothing. A
 * daemon thread ({@code clustr-cds}) waits until that child has exited, or its class list has stopped growing for
 * {@link #SETTLED_NS} (its start-up is over), or {@link #TRAINING_NS} has passed, then runs
 * {@code java -Xshare:dump -XX:SharedClassListFile=... -XX:SharedArchiveFile=<tmp>} at the lowest CPU priority
 * ({@code nice}; {@code setpriv --pdeathsig KILL} ends it with this process) and moves the result into place
 * atomically; children spawned from then on map it. Working files of processes that are gone are deleted before each
 * dump. Nothing of this can make a spawn fail: any error leaves the children without an archive (a
 * {@code <key>.failed} file records it, so the dump is not retried until that file is deleted), and the JVM itself
 * ignores an archive it finds unusable ({@code -Xshare:auto}).
 */
final class ClassDataArchive
{
    /**
     * Longest time the training child runs before its class list is taken, if it does not exit or settle first.
     */
    static final long TRAINING_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * The training child's class list is taken once it has not grown for this long: its start-up is over.
     */
    static final long SETTLED_NS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * How many archives a directory keeps (the newest): about 10 MB each.
     */
    static final int KEPT_ARCHIVES = 8;

    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Longest time given to the dump before it is killed.
     */
    static final long DUMP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);

    /**
     * Variables a JVM reads its class path or options from: the dump must see only its own command line (a CLASSPATH
     * with class directories would make it fail).
     */
    static final List<String> INHERITED_JVM_ENVIRONMENT =
        List.of("CLASSPATH", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private static final Pattern WORK_FILE = Pattern.compile("[0-9a-f]{32}\\.(\\d+)\\.(classlist|lst|log|jsa\\.tmp)");
    private static final System.Logger LOGGER = System.getLogger(Supervisor.class.getName());
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final boolean enabled;
    private final Path dir;
    private final String javaExecutable;
    private final String archivedClassPath;
    private final Path archive;
    private final String key;
    private final AtomicBoolean training = new AtomicBoolean();

    /**
     * The archive of the children of one supervisor.
     *
     * @param enabled   false to launch every child without an archive.
     * @param dir       where archives live.
     * @param javaHome  the Java home of the children.
     * @param classPath the class path of the children.
     */
    ClassDataArchive(final boolean enabled, final Path dir, final String javaHome, final String classPath)
    {
        this.javaExecutable = LaunchCommand.javaExecutable(javaHome);
        this.archivedClassPath = archivableClassPath(classPath);
        this.dir = dir;
        this.key = key(javaHome, System.getProperty("java.vm.version", ""), archivedClassPath);
        this.archive = dir.resolve(key + ".jsa");
        this.enabled = enabled && isPrivateDirectory(dir);
    }

    /**
     * The start-up flags of the next JVM child, and what to do once it has started.
     *
     * @return the flags: the archive when it exists, the class-list dump for one training child, else none.
     */
    JvmStartup flags()
    {
        if (!enabled)
        {
            return JvmStartup.NONE;
        }

        if (Files.isRegularFile(archive))
        {
            return new JvmStartup(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"), null);
        }

        if (Files.exists(dir.resolve(key + ".failed")) || !training.compareAndSet(false, true))
        {
            return JvmStartup.NONE;
        }

        final Path classList = dir.resolve(key + "." + ProcessHandle.current().pid() + ".classlist");

        return new JvmStartup(
            List.of("-XX:DumpLoadedClassList=" + classList),
            (process) -> startDump(process, classList));
    }

    /**
     * The archive's file, whether it exists yet or not.
     *
     * @return the path of the archive.
     */
    Path archive()
    {
        return archive;
    }

    /**
     * Is the archive used at all (enabled and its directory private)?
     *
     * @return true if children may get the archive.
     */
    boolean isEnabled()
    {
        return enabled;
    }

    /**
     * The class path the archive covers: the whole class path when it holds no class directory, else none (an
     * archive of the JDK's classes only).
     *
     * @param classPath the children's class path.
     * @return the class path to archive, possibly empty.
     */
    static String archivableClassPath(final String classPath)
    {
        if (null == classPath || classPath.isEmpty())
        {
            return "";
        }

        for (final String entry : classPath.split(File.pathSeparator))
        {
            if (isNonEmptyDirectory(Path.of(entry.isEmpty() ? "." : entry)))
            {
                return "";
            }
        }

        return classPath;
    }

    /**
     * The archive's key: a hash of what makes an archive valid for a child.
     *
     * @param javaHome          the children's Java home.
     * @param vmVersion         the JVM's version.
     * @param archivedClassPath the class path in the archive.
     * @return 32 hex digits.
     */
    static String key(final String javaHome, final String vmVersion, final String archivedClassPath)
    {
        final StringBuilder text = new StringBuilder();
        text.append(javaHome).append('\n').append(vmVersion).append('\n');
        if (!archivedClassPath.isEmpty())
        {
            for (final String entry : archivedClassPath.split(File.pathSeparator))
            {
                text.append(entry);
                try
                {
                    final BasicFileAttributes attributes =
                        Files.readAttributes(Path.of(entry), BasicFileAttributes.class);
                    text.append(' ').append(attributes.size()).append(' ').append(attributes.lastModifiedTime());
                }
                catch (final IOException | RuntimeException ex)
                {
                    text.append(" missing");
                }
                text.append('\n');
            }
        }

        try
        {
            final byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            final StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 16; i++)
            {
                hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16));
                hex.append(Character.forDigit(digest[i] & 0xF, 16));
            }

            return hex.toString();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    }

    /**
     * Create the directory for the owner only, or check that an existing one is the owner's and closed to others.
     *
     * @param dir the archive directory.
     * @return true if it may hold archives.
     */
    static boolean isPrivateDirectory(final Path dir)
    {
        try
        {
            if (!Files.isDirectory(dir))
            {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }

            final PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
            final Set<PosixFilePermission> permissions = attributes.permissions();
            final boolean ownerOnly = !permissions.contains(PosixFilePermission.GROUP_WRITE) &&
                !permissions.contains(PosixFilePermission.OTHERS_WRITE);
            final boolean owned = attributes.owner().getName().equals(System.getProperty("user.name"));
            if (ownerOnly && owned)
            {
                return true;
            }

            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: class-data archive directory " + dir + " is not private to " +
                System.getProperty("user.name") + ": JVM children start without an archive");
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ex)
        {
            LOGGER.log(
                System.Logger.Level.WARNING,
                "clustr: no class-data archive directory " + dir + " (" + ex + "): JVM children start without one");
        }

        return false;
    }

    private void startDump(final Process trainingChild, final Path classList)
    {
        final Thread thread = new Thread(() -> dump(trainingChild, classList), "clustr-cds");
        thread.setDaemon(true);
        thread.start();
    }

    private void dump(final Process trainingChild, final Path classList)
    {
        final String pid = Long.toString(ProcessHandle.current().pid());
        final Path listCopy = dir.resolve(key + "." + pid + ".lst");
        final Path tmp = dir.resolve(key + "." + pid + ".jsa.tmp");
        final Path log = dir.resolve(key + "." + pid + ".log");
        try
        {
            awaitTraining(trainingChild, classList);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }

        try
        {
            removeLeftovers(dir);
            if (!copyCompleteLines(classList, listCopy))
            {
                return;
            }

            final List<String> cmd = new ArrayList<>();
            final String setpriv = LaunchCommand.findExecutable("setpriv", System.getenv("PATH"));
            if (null != setpriv)
            {
                cmd.add(setpriv);
                cmd.add("--pdeathsig");
                cmd.add("KILL");
                cmd.add("--");
            }
            final String nice = LaunchCommand.findExecutable("nice", System.getenv("PATH"));
            if (null != nice)
            {
                cmd.add(nice);
                cmd.add("-n");
                cmd.add("19");
            }
            cmd.add(javaExecutable);
            cmd.add("-Xshare:dump");
            cmd.add("-XX:SharedClassListFile=" + listCopy);
            cmd.add("-XX:SharedArchiveFile=" + tmp);
            if (!archivedClassPath.isEmpty())
            {
                cmd.add("-cp");
                cmd.add(archivedClassPath);
            }

            final ProcessBuilder builder = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            for (final String name : INHERITED_JVM_ENVIRONMENT)
            {
                builder.environment().remove(name);
            }

            final Process dump = builder.start();
            dump.getOutputStream().close();
            if (!dump.waitFor(DUMP_TIMEOUT_NS, TimeUnit.NANOSECONDS))
            {
                dump.destroyForcibly();
                failed("the dump took more than " + TimeUnit.NANOSECONDS.toSeconds(DUMP_TIMEOUT_NS) + " s");
            }
            else if (0 != dump.exitValue() || !Files.isRegularFile(tmp))
            {
                final Path kept = dir.resolve(key + ".log");
                Files.move(log, kept, StandardCopyOption.REPLACE_EXISTING);
                failed("the dump exited with " + dump.exitValue() + " (see " + kept + ")");
            }
            else
            {
                moveIntoPlace(tmp);
                pruneArchives(dir, KEPT_ARCHIVES);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            failed(ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            deleteQuietly(classList);
            deleteQuietly(listCopy);
            deleteQuietly(tmp);
            deleteQuietly(log);
        }
    }

    /**
     * Wait until the training child has loaded its start-up classes: it has exited, or its class list has not grown
     * for {@link #SETTLED_NS}, or {@link #TRAINING_NS} has passed.
     */
    private static void awaitTraining(final Process trainingChild, final Path classList) throws InterruptedException
    {
        final long startNs = System.nanoTime();
        long lastSize = -1;
        long lastChangeNs = startNs;
        while (trainingChild.isAlive())
        {
            final long nowNs = System.nanoTime();
            if (nowNs - startNs >= TRAINING_NS)
            {
                return;
            }

            final long size = sizeOf(classList);
            if (size != lastSize)
            {
                lastSize = size;
                lastChangeNs = nowNs;
            }
            else if (size > 0 && nowNs - lastChangeNs >= SETTLED_NS)
            {
                return;
            }

            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(POLL_NS));
        }
    }

    private static long sizeOf(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * Copy the class list up to its last complete line (the training child may still be writing it).
     *
     * @return false if there is no class list (the child did not start).
     */
    private static boolean copyCompleteLines(final Path from, final Path to) throws IOException
    {
        if (!Files.isRegularFile(from))
        {
            return false;
        }

        final byte[] bytes = Files.readAllBytes(from);
        int end = bytes.length;
        while (end > 0 && '\n' != bytes[end - 1])
        {
            end--;
        }

        if (0 == end)
        {
            return false;
        }

        final byte[] complete = new byte[end];
        System.arraycopy(bytes, 0, complete, 0, end);
        Files.write(to, complete);

        return true;
    }

    private void moveIntoPlace(final Path tmp) throws IOException
    {
        try
        {
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void failed(final String why)
    {
        LOGGER.log(
            System.Logger.Level.INFO,
            "clustr: no class-data archive for JVM children (" + why + "); delete " +
            dir.resolve(key + ".failed") + " to try again");
        try
        {
            Files.writeString(dir.resolve(key + ".failed"), why + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        catch (final IOException ignore)
        {
            // the next supervisor will try again
        }
    }

    /**
     * Delete the working files ({@code <key>.<pid>.classlist}, {@code .lst}, {@code .jsa.tmp}) of processes that are
     * gone: a supervisor that exited while its training child ran or its dump was being written.
     *
     * @param dir the archive directory.
     */
    static void removeLeftovers(final Path dir)
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir))
        {
            for (final Path file : files)
            {
                final Matcher m = WORK_FILE.matcher(file.getFileName().toString());
                if (m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive)
                    .orElse(false))
                {
                    deleteQuietly(file);
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // leftovers stay until the next dump
        }
    }

    /**
     * Keep the {@code keep} newest archives of the directory and delete the others, with their {@code .failed}
     * markers: every rebuilt jar makes a new archive, and old ones would pile up. A JVM that has mapped a deleted
     * archive keeps it.
     *
     * @param dir  the archive directory.
     * @param keep how many archives to keep.
     */
    static void pruneArchives(final Path dir, final int keep)
    {
        final List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsa"))
        {
            for (final Path file : files)
            {
                archives.add(file);
            }

            archives.sort((a, b) -> Long.compare(modifiedMs(b), modifiedMs(a)));
            for (int i = keep; i < archives.size(); i++)
            {
                deleteQuietly(archives.get(i));
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // old archives stay until the next dump
        }
    }

    private static long modifiedMs(final Path file)
    {
        try
        {
            return Files.getLastModifiedTime(file).toMillis();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    private static boolean isNonEmptyDirectory(final Path path)
    {
        if (!Files.isDirectory(path))
        {
            return false;
        }

        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path))
        {
            return entries.iterator().hasNext();
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // a leftover in a private temporary directory
        }
    }
}
