package io.clustr.driver;

import io.aeron.driver.MediaDriver;
import org.agrona.PropertyAction;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Driver profiles: named sets of {@code aeron.*} properties that configure a {@link MediaDriver}.
 * <p>
 * A profile is a {@code .properties} file. The built-in ones live on the class path under {@code clustr/driver/}:
 * <ul>
 *     <li>{@value #SHARED} (the default): one driver thread, backing off when idle, 4 MiB IPC terms. Right for small
 *     machines, CI and anything with fewer cores than busy threads.</li>
 *     <li>{@value #LOW_LATENCY}: a thread per driver role, busy spinning. Only for machines with cores to spare.</li>
 * </ul>
 * Any other name is read as a file path or URL. Profiles are applied as system properties with
 * {@link PropertyAction#PRESERVE}: a property already set (for example with {@code -Daeron.threading.mode=...}) wins
 * over the profile, exactly as when {@code MediaDriver.main} loads properties files.
 */
public final class DriverProfiles
{
    /**
     * Name of the default profile: SHARED threading mode with backoff idling.
     */
    public static final String SHARED = "shared";

    /**
     * Name of the opt-in profile for machines with cores to spare: DEDICATED threads, busy spinning.
     */
    public static final String LOW_LATENCY = "low-latency";

    /**
     * Names of the profiles shipped on the class path.
     */
    public static final List<String> BUILT_IN = List.of(SHARED, LOW_LATENCY);

    private static final String RESOURCE_PREFIX = "clustr/driver/";

    private DriverProfiles()
    {
    }

    /**
     * Apply a profile to the system properties without overwriting properties that are already set.
     *
     * @param profile a built-in profile name, or a path or URL of a {@code .properties} file.
     * @throws IllegalArgumentException if the profile cannot be found or read.
     */
    public static void apply(final String profile)
    {
        final Properties properties = load(profile);
        for (final String name : properties.stringPropertyNames())
        {
            if (null == System.getProperty(name))
            {
                System.setProperty(name, properties.getProperty(name));
            }
        }
    }

    /**
     * Read a profile without applying it.
     *
     * @param profile a built-in profile name, or a path or URL of a {@code .properties} file.
     * @return the properties of the profile.
     * @throws IllegalArgumentException if the profile cannot be found or read.
     */
    public static Properties load(final String profile)
    {
        if (null == profile || profile.isBlank())
        {
            throw new IllegalArgumentException(
                "driver profile must not be blank: use one of " + BUILT_IN + " or a .properties file path");
        }

        final Properties properties = new Properties();
        if (BUILT_IN.contains(profile))
        {
            final String resource = RESOURCE_PREFIX + profile + ".properties";
            try (InputStream in = DriverProfiles.class.getClassLoader().getResourceAsStream(resource))
            {
                if (null == in)
                {
                    throw new IllegalStateException("built-in driver profile missing from the class path: " + resource);
                }
                properties.load(in);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("cannot read driver profile " + resource, ex);
            }
            return properties;
        }

        final Path path = Path.of(profile);
        if (Files.isRegularFile(path))
        {
            try (InputStream in = Files.newInputStream(path))
            {
                properties.load(in);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("cannot read driver profile file " + path.toAbsolutePath(), ex);
            }
            return properties;
        }

        try (InputStream in = new URL(profile).openStream())
        {
            properties.load(in);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown driver profile '" + profile + "': use one of " + BUILT_IN +
                ", the path of a .properties file or a URL", ex);
        }

        return properties;
    }

    /**
     * Apply a profile and create a driver context from the resulting system properties.
     *
     * @param profile a built-in profile name, or a path or URL of a {@code .properties} file.
     * @return a new context, configured by the profile and any {@code aeron.*} system properties already set.
     */
    public static MediaDriver.Context context(final String profile)
    {
        apply(profile);
        return new MediaDriver.Context();
    }
}
