package io.clustr.test;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A JUnit 5 extension that fails a test when a media driver it used logged an error. Register it with
 * {@code @RegisterExtension}, then hand it each Aeron directory the test uses with {@link #watch(String)}; after
 * each test it reads the error log in each driver's CnC file and fails the test, listing the distinct errors, when
 * there are entries the test did not expect.
 * <p>
 * <b>Directories that are deleted.</b> An embedded driver deletes its directory when it closes, usually in the
 * test's {@code @AfterEach} or {@code @AfterAll}, before this extension's own callbacks run. So {@link #watch(String)}
 * maps the directory's {@code cnc.dat} at once (read only) and keeps the mapping until the check: the pages of a
 * mapped file outlive its deletion, so errors the driver logs up to and during its close are still read. Watch a
 * directory once its driver runs (for an embedded driver: right after launching it); a directory watched before its
 * driver started is mapped at the next check. A watched directory whose CnC file could never be mapped (the driver
 * never started, or closed before it was watched) fails the check: it cannot be shown free of errors. A driver that
 * is started again in the same directory gets a new CnC file: both are read.
 * <p>
 * <b>Expected errors.</b> A test that provokes a driver error on purpose says so with {@link #allow(Class)} or
 * {@link #allowMessageContaining(String)}, inside the test (or its {@code @BeforeEach}); an allowance holds until
 * the end of the test that made it. Each error is reported once: an entry already reported (or allowed) fails a later
 * test only if the driver observes it again.
 * <p>
 * <b>Scope.</b> On an instance field (one test instance per method, JUnit's default) every directory is released
 * after each test. On a {@code static} field, or any field of a {@code @TestInstance(PER_CLASS)} class, directories
 * watched in {@code @BeforeAll} stay watched for the whole class: each test fails on the errors logged during it,
 * and the errors logged after the last test (during {@code @AfterAll}, when the cluster closes) fail the class.
 * <p>
 * Not thread safe: use it from the test thread.
 * <pre>
 * &#64;InterruptAfter(60)
 * class SomeSystemTest
 * {
 *     &#64;RegisterExtension
 *     final DriverErrorLogWatcher watcher = new DriverErrorLogWatcher();
 *
 *     &#64;Test
 *     void shouldDoSomething()
 *     {
 *         try (Master master = Master.create(Options.aeronDirectory(dir)))
 *         {
 *             watcher.watch(dir); // as soon as the driver runs
 *             watcher.allow(ControlProtocolException.class); // only where the test provokes one on purpose
 *             // ...
 *         }
 *     } // checked after the test, although the driver deleted dir when the master closed
 * }
 * </pre>
 */
public final class DriverErrorLogWatcher implements BeforeAllCallback, AfterEachCallback, AfterAllCallback
{
    private static final int MAX_LINES_PER_ERROR = 12;

    private final Map<String, WatchedDirectory> directories = new LinkedHashMap<>();
    private final List<Allowance> allowances = new ArrayList<>();
    private boolean classScoped;

    /**
     * Watch the media driver of this Aeron directory: map its CnC file now if it exists, or at the next check.
     * Watching the same directory twice is harmless.
     *
     * @param aeronDirectoryName the driver's Aeron directory, as given to {@code aeronDirectoryName(...)}.
     * @return this, for chaining.
     */
    public DriverErrorLogWatcher watch(final String aeronDirectoryName)
    {
        Objects.requireNonNull(aeronDirectoryName, "aeronDirectoryName");
        final WatchedDirectory directory = directories.computeIfAbsent(
            new File(aeronDirectoryName).getAbsolutePath(), WatchedDirectory::new);
        directory.mapCurrentCncFile();

        return this;
    }

    /**
     * Allow, until the end of the current test, errors of this type: entries whose exception (or one of its causes)
     * is of exactly this class, matched by class name in the logged text.
     *
     * @param type the exception class the driver is expected to log, e.g. {@code ControlProtocolException.class}.
     * @return this, for chaining.
     */
    public DriverErrorLogWatcher allow(final Class<? extends Throwable> type)
    {
        Objects.requireNonNull(type, "type");
        final String name = type.getName();
        allowances.add(new Allowance(type.getSimpleName(), (text) -> mentionsType(text, name)));

        return this;
    }

    /**
     * Allow, until the end of the current test, errors whose logged text contains this fragment.
     *
     * @param fragment text the expected error's message or stack trace contains.
     * @return this, for chaining.
     */
    public DriverErrorLogWatcher allowMessageContaining(final String fragment)
    {
        Objects.requireNonNull(fragment, "fragment");
        allowances.add(new Allowance("'" + fragment + "'", (text) -> text.contains(fragment)));

        return this;
    }

    /**
     * Read every watched directory's error log now and fail if it has entries not reported before and not allowed.
     * The extension calls it after each test; a test may call it earlier, e.g. before stopping a driver it started
     * in another process. The entries found are reported once, whether or not this throws.
     *
     * @throws AssertionError listing the distinct new errors, or naming a directory whose CnC file could not be read.
     */
    public void check()
    {
        final StringBuilder report = new StringBuilder();
        int errorCount = 0;
        for (final WatchedDirectory directory : directories.values())
        {
            errorCount += directory.collectNewErrors(allowances, report);
        }

        if (report.length() > 0)
        {
            throw new AssertionError(
                errorCount + " unexpected distinct error(s) in the media driver error log" +
                (allowances.isEmpty() ? "" : " (allowed: " + allowances + ")") + ":\n" + report);
        }
    }

    /**
     * The directories watched now, as absolute paths.
     *
     * @return the watched directories, in the order they were first watched.
     */
    public List<String> watchedDirectories()
    {
        return List.copyOf(directories.keySet());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void beforeAll(final ExtensionContext context)
    {
        classScoped = true;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void afterEach(final ExtensionContext context)
    {
        try
        {
            check();
        }
        finally
        {
            allowances.clear();
            if (!classScoped)
            {
                release();
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void afterAll(final ExtensionContext context)
    {
        try
        {
            check();
        }
        finally
        {
            allowances.clear();
            release();
            classScoped = false;
        }
    }

    private void release()
    {
        for (final WatchedDirectory directory : directories.values())
        {
            directory.unmap();
        }
        directories.clear();
    }

    private static boolean mentionsType(final String text, final String className)
    {
        int from = 0;
        while (true)
        {
            final int index = text.indexOf(className, from);
            if (index < 0)
            {
                return false;
            }
            final int end = index + className.length();
            final boolean startsName = 0 == index || !isNamePart(text.charAt(index - 1));
            final boolean endsName = end == text.length() || !isNamePart(text.charAt(end));
            if (startsName && endsName)
            {
                return true;
            }
            from = index + 1;
        }
    }

    private static boolean isNamePart(final char c)
    {
        return Character.isJavaIdentifierPart(c) || '.' == c || '$' == c;
    }

    private static void appendError(
        final StringBuilder report, final String directory, final int newObservations, final String encodedException)
    {
        final String[] lines = encodedException.split("\r?\n");
        report.append("  ").append(directory).append(": ").append(newObservations).append(" observation(s): ")
            .append(lines[0]).append('\n');
        final int shown = Math.min(lines.length, MAX_LINES_PER_ERROR);
        for (int i = 1; i < shown; i++)
        {
            report.append("      ").append(lines[i].strip()).append('\n');
        }
        if (lines.length > shown)
        {
            report.append("      ... ").append(lines.length - shown).append(" more line(s)\n");
        }
    }

    private static final class Allowance
    {
        private final String description;
        private final Predicate<String> matcher;

        Allowance(final String description, final Predicate<String> matcher)
        {
            this.description = description;
            this.matcher = matcher;
        }

        @Override
        public String toString()
        {
            return description;
        }
    }

    /**
     * One directory and the CnC files seen in it (more than one if its driver was started again).
     */
    private static final class WatchedDirectory
    {
        private final String path;
        private final File cncFile;
        private final List<MappedCncFile> cncFiles = new ArrayList<>();

        WatchedDirectory(final String path)
        {
            this.path = path;
            this.cncFile = new File(path, CncFileDescriptor.CNC_FILE);
        }

        void mapCurrentCncFile()
        {
            final Object fileKey;
            try
            {
                fileKey = Files.readAttributes(cncFile.toPath(), BasicFileAttributes.class).fileKey();
            }
            catch (final NoSuchFileException ex)
            {
                return;
            }
            catch (final IOException ex)
            {
                throw new AssertionError("cannot read " + cncFile, ex);
            }

            for (final MappedCncFile mapped : cncFiles)
            {
                if (mapped.fileKey.equals(fileKey))
                {
                    return;
                }
            }

            final MappedCncFile mapped = MappedCncFile.mapIfReady(cncFile.toPath(), fileKey);
            if (null != mapped)
            {
                cncFiles.add(mapped);
            }
        }

        int collectNewErrors(final List<Allowance> allowances, final StringBuilder report)
        {
            mapCurrentCncFile();
            if (cncFiles.isEmpty())
            {
                report.append("  ").append(path).append(": its error log could not be read: no ready ")
                    .append(CncFileDescriptor.CNC_FILE).append(" was ever seen there (the driver did not start, ")
                    .append("or closed before the directory was watched: watch it once its driver runs)\n");
                return 0;
            }

            int count = 0;
            for (final MappedCncFile mapped : cncFiles)
            {
                count += mapped.collectNewErrors(path, allowances, report);
            }

            return count;
        }

        void unmap()
        {
            for (final MappedCncFile mapped : cncFiles)
            {
                mapped.unmap();
            }
            cncFiles.clear();
        }
    }

    /**
     * A read-only mapping of one CnC file, kept until released so that it can be read after the file is deleted,
     * and the observation counts already reported for each distinct error in it.
     */
    private static final class MappedCncFile
    {
        private final Object fileKey;
        private final MappedByteBuffer mapping;
        private final AtomicBuffer errorLog;
        private final Map<String, Integer> reportedObservations = new HashMap<>();

        private MappedCncFile(final Object fileKey, final MappedByteBuffer mapping, final AtomicBuffer errorLog)
        {
            this.fileKey = fileKey;
            this.mapping = mapping;
            this.errorLog = errorLog;
        }

        /**
         * Map the file if the driver has finished creating it (its version is set and it is long enough).
         */
        static MappedCncFile mapIfReady(final Path file, final Object fileKey)
        {
            final MappedByteBuffer mapping;
            try
            {
                if (Files.size(file) < CncFileDescriptor.META_DATA_LENGTH)
                {
                    return null;
                }
                mapping = IoUtil.mapExistingFile(file.toFile(), FileChannel.MapMode.READ_ONLY, "cnc");
            }
            catch (final NoSuchFileException ex)
            {
                return null;
            }
            catch (final IOException ex)
            {
                throw new AssertionError("cannot map " + file, ex);
            }
            catch (final RuntimeException ex)
            {
                if (!Files.exists(file))
                {
                    return null;
                }
                throw ex;
            }

            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapping);
            final int version = metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0));
            if (0 == version || !CncFileDescriptor.isCncFileLengthSufficient(metaData, mapping.capacity()))
            {
                IoUtil.unmap(mapping);
                return null;
            }

            try
            {
                return new MappedCncFile(fileKey, mapping, CommonContext.errorLogBuffer(mapping));
            }
            catch (final RuntimeException ex)
            {
                IoUtil.unmap(mapping);
                throw new AssertionError("cannot read the error log of " + file + ": " + ex.getMessage(), ex);
            }
        }

        int collectNewErrors(final String directory, final List<Allowance> allowances, final StringBuilder report)
        {
            final int[] count = new int[1];
            ErrorLogReader.read(errorLog, (observationCount, firstTimestampMs, lastTimestampMs, encodedException) ->
            {
                final int reported = reportedObservations.getOrDefault(encodedException, 0);
                if (observationCount > reported)
                {
                    reportedObservations.put(encodedException, observationCount);
                    if (!isAllowed(allowances, encodedException))
                    {
                        count[0]++;
                        appendError(report, directory, observationCount - reported, encodedException);
                    }
                }
            });

            return count[0];
        }

        void unmap()
        {
            IoUtil.unmap(mapping);
        }

        private static boolean isAllowed(final List<Allowance> allowances, final String encodedException)
        {
            for (final Allowance allowance : allowances)
            {
                if (allowance.matcher.test(encodedException))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
