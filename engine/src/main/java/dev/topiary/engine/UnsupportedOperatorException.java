package dev.topiary.engine;

/** An operator that a stage cannot handle (for example an op inside a channel group that has no pruning rule). */
public class UnsupportedOperatorException extends TopiaryException {
  public UnsupportedOperatorException(String message) {
    super(message);
  }

  public UnsupportedOperatorException(String message, Throwable cause) {
    super(message, cause);
  }
}
