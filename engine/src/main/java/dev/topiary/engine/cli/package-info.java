/** The engine's picocli command line ({@code ./topiary engine ...}); thin over the workflow and prune packages. */
package dev.topiary.engine.cli;
