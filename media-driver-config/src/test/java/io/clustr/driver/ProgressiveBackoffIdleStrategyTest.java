package io.clustr.driver;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressiveBackoffIdleStrategyTest
{
    @Test
    void shouldParkLongOnlyOnceIdleLongEnoughAndStartOverOnWork()
    {
        final long deepParkNs = TimeUnit.MILLISECONDS.toNanos(20);
        final ProgressiveBackoffIdleStrategy strategy =
            new ProgressiveBackoffIdleStrategy(TimeUnit.MILLISECONDS.toNanos(5), deepParkNs);

        // 1 + 10 spins, 6 yields, then parks of 1, 2, 4 ... 512 us and 1 ms: 5 ms of parking takes 14 parks
        for (int i = 0; i < 1 + 10 + 6 + 13; i++)
        {
            strategy.idle(0);
            assertFalse(strategy.isDeep(), "not deep after " + (i + 1) + " idle calls");
        }
        strategy.idle(0);
        assertTrue(strategy.isDeep());

        final long startNs = System.nanoTime();
        strategy.idle(0);
        assertTrue(System.nanoTime() - startNs >= deepParkNs, "a deep park lasts at least the deep park time");

        strategy.idle(1);
        assertFalse(strategy.isDeep(), "work starts the backoff over");
    }

    @Test
    void shouldReturnToLongParksQuicklyAfterSporadicWorkButNotInAConversation()
    {
        final ProgressiveBackoffIdleStrategy strategy =
            new ProgressiveBackoffIdleStrategy(TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(1));
        while (!strategy.isDeep())
        {
            strategy.idle(0);
        }

        // sporadic work (a keep-alive after a long idle streak): long parks again after 3 ms of short ones
        strategy.idle(1);
        int idleCalls = 0;
        while (!strategy.isDeep())
        {
            strategy.idle(0);
            idleCalls++;
        }
        assertTrue(idleCalls <= 1 + 10 + 6 + 10 + 3, "quick return: " + idleCalls);

        // work again within the short parks (a reply in a conversation): regular, the full count starts over
        strategy.idle(1);
        for (int i = 0; i < 20; i++)
        {
            strategy.idle(0);
        }
        strategy.idle(1);
        for (int i = 0; i < 1 + 10 + 6 + 50; i++)
        {
            strategy.idle(0);
            assertFalse(strategy.isDeep(), "regular traffic keeps short parks, call " + i);
        }
    }

    @Test
    void shouldGoDeepWhenWorkComesRarelyEvenIfNeverSilentForTheWholePeriod()
    {
        // a driver sees a timer every second and keep-alives: it must still park long in between
        final ProgressiveBackoffIdleStrategy strategy =
            new ProgressiveBackoffIdleStrategy(TimeUnit.MILLISECONDS.toNanos(300), TimeUnit.MILLISECONDS.toNanos(1));
        for (int streak = 0; streak < 3 && !strategy.isDeep(); streak++)
        {
            // 1 + 10 spins, 6 yields, 10 doubling parks (~1 ms), then 1 ms parks: ~130 ms of parking per streak
            for (int i = 0; i < 1 + 10 + 6 + 10 + 130 && !strategy.isDeep(); i++)
            {
                strategy.idle(0);
            }
            if (!strategy.isDeep())
            {
                strategy.idle(1);
            }
        }
        assertTrue(strategy.isDeep(), "sporadic work every ~130 ms does not prevent long parks");
    }

    @Test
    void shouldGoDeepWithWorkEveryHundredMillisecondsOnlyWithTheDriversShorterSporadicGap()
    {
        // the driver's timer every 100 ms: just inside the nodes' 100 ms gap (regular), outside the driver's 50 ms
        final long deepAfterNs = TimeUnit.MILLISECONDS.toNanos(300);
        final long deepParkNs = TimeUnit.MILLISECONDS.toNanos(1);
        final ProgressiveBackoffIdleStrategy node = new ProgressiveBackoffIdleStrategy(deepAfterNs, deepParkNs);
        final ProgressiveBackoffIdleStrategy driver =
            new ProgressiveBackoffIdleStrategy(deepAfterNs, deepParkNs, DriverIdleStrategy.SPORADIC_GAP_NS);
        for (int tick = 0; tick < 8; tick++)
        {
            // 1 + 10 spins, 6 yields, 10 doubling parks (~1 ms), then 1 ms parks: ~98 ms of parking per tick
            for (int i = 0; i < 1 + 10 + 6 + 10 + 97; i++)
            {
                node.idle(0);
                driver.idle(0);
            }
            node.idle(1);
            driver.idle(1);
        }
        for (int i = 0; i < 1 + 10 + 6 + 10 + 3; i++)
        {
            node.idle(0);
            driver.idle(0);
        }

        assertFalse(node.isDeep(), "work every ~98 ms of parking is regular with the nodes' 100 ms gap");
        assertTrue(driver.isDeep(), "and sporadic with the driver's 50 ms gap");
        assertEquals("progressive-driver", new DriverIdleStrategy().alias());
    }

    @Test
    void shouldReadItsSettingsFromSystemPropertiesAndRejectNonsense()
    {
        assertEquals("progressive", new ProgressiveBackoffIdleStrategy().alias());
        assertThrows(IllegalArgumentException.class, () -> new ProgressiveBackoffIdleStrategy(-1, 1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new ProgressiveBackoffIdleStrategy(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ProgressiveBackoffIdleStrategy(0, 1_000_000, -1));
    }
}
