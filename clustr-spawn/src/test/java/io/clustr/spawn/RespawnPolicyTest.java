package io.clustr.spawn;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RespawnPolicyTest
{
    @Test
    void shouldRespawnOnFailureOnly()
    {
        final RespawnPolicy policy = RespawnPolicy.onFailure();

        assertEquals(RespawnPolicy.Mode.ON_FAILURE, policy.mode());
        assertFalse(policy.shouldRespawn(0));
        assertTrue(policy.shouldRespawn(1));
        assertTrue(policy.shouldRespawn(137));
        assertTrue(policy.shouldRespawn(-1));
    }

    @Test
    void shouldRespawnAlwaysOrNever()
    {
        assertTrue(RespawnPolicy.always().shouldRespawn(0));
        assertTrue(RespawnPolicy.always().shouldRespawn(3));
        assertFalse(RespawnPolicy.never().shouldRespawn(0));
        assertFalse(RespawnPolicy.never().shouldRespawn(3));
    }

    @Test
    void shouldHaveDocumentedDefaults()
    {
        final RespawnPolicy policy = RespawnPolicy.onFailure();

        assertEquals(Duration.ofMillis(500), policy.minInterval());
        assertEquals(Duration.ofSeconds(30), policy.maxBackoff());
        assertEquals(Duration.ofSeconds(10), policy.stableAfter());
        assertEquals(5, policy.crashLoopDeaths());
        assertEquals(Duration.ofSeconds(30), policy.crashLoopWindow());
    }

    @Test
    void shouldCopyOnWithers()
    {
        final RespawnPolicy base = RespawnPolicy.always();
        final RespawnPolicy tuned = base
            .minInterval(Duration.ofMillis(100))
            .backoff(Duration.ofSeconds(2))
            .stableAfter(Duration.ofSeconds(1))
            .crashLoop(3, Duration.ofSeconds(5));

        assertEquals(Duration.ofMillis(500), base.minInterval());
        assertEquals(RespawnPolicy.Mode.ALWAYS, tuned.mode());
        assertEquals(Duration.ofMillis(100), tuned.minInterval());
        assertEquals(Duration.ofSeconds(2), tuned.maxBackoff());
        assertEquals(Duration.ofSeconds(1), tuned.stableAfter());
        assertEquals(3, tuned.crashLoopDeaths());
        assertEquals(Duration.ofSeconds(5), tuned.crashLoopWindow());
        assertNotEquals(base, tuned);
        assertEquals(tuned, RespawnPolicy.always().minInterval(Duration.ofMillis(100)).backoff(Duration.ofSeconds(2))
            .stableAfter(Duration.ofSeconds(1)).crashLoop(3, Duration.ofSeconds(5)));
        assertEquals("never", RespawnPolicy.never().toString());
        assertTrue(tuned.toString().startsWith("always(minInterval=100ms"), tuned.toString());
    }

    @Test
    void shouldOnlyReportAGiveUpUnlessToldToEscalate()
    {
        assertEquals(RespawnPolicy.NO_ESCALATION, RespawnPolicy.onFailure().escalationExitCode());
        final RespawnPolicy escalating = RespawnPolicy.onFailure().crashLoop(3, Duration.ofSeconds(5)).escalate(70);

        assertEquals(70, escalating.escalationExitCode());
        assertEquals(70, escalating.minInterval(Duration.ofMillis(1)).escalationExitCode(), "kept by withers");
        assertEquals(3, escalating.crashLoopDeaths());
        assertNotEquals(RespawnPolicy.onFailure().crashLoop(3, Duration.ofSeconds(5)), escalating);
        assertTrue(escalating.toString().endsWith(", escalate=70)"), escalating.toString());
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> RespawnPolicy.onFailure().escalate(0));
        assertTrue(zero.getMessage().contains("1 to 255"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RespawnPolicy.onFailure().escalate(256));
    }

    @Test
    void shouldRejectBadValues()
    {
        final RespawnPolicy policy = RespawnPolicy.onFailure();

        assertThrows(IllegalArgumentException.class, () -> policy.minInterval(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> policy.minInterval(null));
        assertThrows(IllegalArgumentException.class, () -> policy.backoff(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> policy.stableAfter(null));
        assertThrows(IllegalArgumentException.class, () -> policy.crashLoop(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> policy.crashLoop(1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> policy.mode(null));
    }
}
