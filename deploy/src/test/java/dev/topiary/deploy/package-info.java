/**
 * The drift checks of {@code ./mvnw verify}: each reads the real deployment files and fails on a
 * disagreement with the modules, and each shows on a deliberately wrong snippet that it can fail.
 */
package dev.topiary.deploy;
