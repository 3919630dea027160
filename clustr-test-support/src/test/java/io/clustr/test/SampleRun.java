package io.clustr.test;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs a sample test class through a launcher of its own and keeps how each test and the class itself ended, so
 * that a test can check what an extension did to the outcome. Sample classes are static nested classes, which
 * neither Surefire nor JUnit runs by themselves.
 */
final class SampleRun implements TestExecutionListener
{
    private final Map<String, TestExecutionResult> results = new LinkedHashMap<>();

    private SampleRun()
    {
    }

    static SampleRun of(final Class<?> sampleClass)
    {
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(sampleClass))
            .build();
        final Launcher launcher = LauncherFactory.create();
        final SampleRun run = new SampleRun();
        launcher.execute(request, run);

        return run;
    }

    @Override
    public void executionFinished(final TestIdentifier identifier, final TestExecutionResult result)
    {
        identifier.getSource().ifPresent((source) ->
        {
            if (source instanceof ClassSource)
            {
                results.put(((ClassSource)source).getJavaClass().getSimpleName(), result);
            }
            else
            {
                results.put(identifier.getDisplayName(), result);
            }
        });
    }

    /**
     * How a test method (by display name, e.g. {@code shouldX()}) or the class (by its simple name) ended.
     */
    TestExecutionResult result(final String displayName)
    {
        final TestExecutionResult result = results.get(displayName);
        if (null == result)
        {
            throw new AssertionError("no result for " + displayName + " in " + results.keySet());
        }

        return result;
    }

    TestExecutionResult.Status status(final String displayName)
    {
        return result(displayName).getStatus();
    }

    /**
     * The failure of a test or class that must have failed.
     */
    Throwable failure(final String displayName)
    {
        return result(displayName).getThrowable()
            .orElseThrow(() -> new AssertionError(displayName + " did not fail: " + result(displayName)));
    }

    @Override
    public String toString()
    {
        return results.toString();
    }
}
