package dev.topiary.engine;

/**
 * Base of the engine's few named exceptions. Every message names the node, field or file concerned
 * and the reason, so that a service can pass it to the user unchanged.
 */
public class TopiaryException extends RuntimeException {
  public TopiaryException(String message) {
    super(message);
  }

  public TopiaryException(String message, Throwable cause) {
    super(message, cause);
  }
}
