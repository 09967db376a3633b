/**
 * Test helpers every stage service's tests share (published as the kit's test-jar): {@link EventBus}
 * reads and writes the real broker's topics, {@link JobDriver} runs the other stages in-process so
 * that a service under test receives the real event that precedes its step.
 */
package dev.topiary.service.testing;
