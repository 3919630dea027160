/**
 * Media driver profiles for clustr: {@code .properties} files read the way {@link io.aeron.driver.MediaDriver}
 * reads its own ({@link io.clustr.driver.DriverProfiles}), and a standalone driver
 * ({@link io.clustr.driver.ClustrMediaDriver}) for hosts where the transport should outlive the master.
 */
package io.clustr.driver;
