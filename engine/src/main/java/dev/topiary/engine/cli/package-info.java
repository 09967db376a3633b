/** The engine's picocli command line ({@code ./topiary engine ...}); thin over the workflow package. */
package dev.topiary.engine.cli;
