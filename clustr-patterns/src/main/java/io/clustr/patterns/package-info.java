/**
 * The work patterns of the tools clustr replaces, built on clustr's public API ({@code Node.services()} service
 * frames, {@code Node.onMembership} and {@code Node.send}): see {@code docs/patterns.md}.
 */
package io.clustr.patterns;
