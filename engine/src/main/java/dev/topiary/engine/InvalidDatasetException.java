package dev.topiary.engine;

/** A dataset is missing, truncated or corrupt, or does not fit the model it feeds. */
public class InvalidDatasetException extends TopiaryException {
  public InvalidDatasetException(String message) {
    super(message);
  }

  public InvalidDatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
