package dev.topiary.engine;

/** A weights file is unreadable or does not fit its graph: truncated or lying safetensors header, unsupported dtype, wrong shape, missing or extra tensor. */
public class InvalidWeightsException extends TopiaryException {
  public InvalidWeightsException(String message) {
    super(message);
  }

  public InvalidWeightsException(String message, Throwable cause) {
    super(message, cause);
  }
}
