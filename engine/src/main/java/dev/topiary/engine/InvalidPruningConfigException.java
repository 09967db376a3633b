package dev.topiary.engine;

/** A pruning request that cannot be carried out: malformed compress-rate list or config, a plan that would empty a layer, a criterion lacking data. */
public class InvalidPruningConfigException extends TopiaryException {
  public InvalidPruningConfigException(String message) {
    super(message);
  }

  public InvalidPruningConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
