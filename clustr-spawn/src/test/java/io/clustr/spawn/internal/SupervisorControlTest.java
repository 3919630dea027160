package io.clustr.spawn.internal;

import io.clustr.spawn.Supervisor;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertThrows;

class SupervisorControlTest
{
    @Test
    void shouldRefuseAccessFromAnyoneButSupervisor()
    {
        try (Supervisor supervisor = Supervisor.launch(new Supervisor.Context().idSupplier(() -> 1)))
        {
            assertThrows(IllegalStateException.class, () -> SupervisorControl.access(null));
            SupervisorControl.markOnline(supervisor, 1);
        }
    }

    @Test
    void shouldCheckArguments()
    {
        try (Supervisor supervisor = Supervisor.launch(new Supervisor.Context().idSupplier(() -> 1)))
        {
            assertThrows(IllegalArgumentException.class, () -> SupervisorControl.markOnline(null, 1));
            assertThrows(
                IllegalArgumentException.class,
                () -> SupervisorControl.expectExit(supervisor, 1, Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> SupervisorControl.expectExit(supervisor, 1, 0, null));
        }
    }
}
