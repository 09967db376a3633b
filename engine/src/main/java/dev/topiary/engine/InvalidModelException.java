package dev.topiary.engine;

/** A graph or model artifact is malformed: dangling input, cycle, shape mismatch, unknown op, bad attribute. */
public class InvalidModelException extends TopiaryException {
  public InvalidModelException(String message) {
    super(message);
  }

  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
