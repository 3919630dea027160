/**
 * JUnit 5 support for clustr's system tests: {@link io.clustr.test.DriverErrorLogWatcher} fails a test when a media
 * driver it used logged an error, {@link io.clustr.test.InterruptAfter} bounds a test in time, and
 * {@link io.clustr.test.Tests} has the bounded waits that stop on that interrupt. It depends on Aeron's client and
 * JUnit's API only, so that any module's tests can use it.
 */
package io.clustr.test;
