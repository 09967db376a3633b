package dev.topiary.engine.exec;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's autograd switch, which is per thread: the engine turns it off only on the thread that
 * loads it, so a new worker thread starts with gradients recorded. Worker threads call {@link
 * #set(boolean)} once, or wrap in-place edits and inference in {@link #disabled()}:
 *
 * <pre>{@code
 * try (GradMode.Scope s = GradMode.disabled()) {
 *   weight.set(newValues);
 * }
 * }</pre>
 */
public final class GradMode {
  static {
    Engine.getEngine("PyTorch"); // loads libtorch before any JniUtils call
  }

  private GradMode() {}

  /** Whether this thread records operations for autograd. */
  public static boolean isEnabled() {
    return JniUtils.isGradMode();
  }

  /** Sets this thread's grad mode. */
  public static void set(boolean enabled) {
    JniUtils.setGradMode(enabled);
  }

  /** Turns recording off on this thread until the scope closes, then restores the previous mode. */
  public static Scope disabled() {
    return new Scope(false);
  }

  /** Turns recording on on this thread until the scope closes, then restores the previous mode. */
  public static Scope enabled() {
    return new Scope(true);
  }

  /** Restores this thread's previous grad mode on close; close it on the thread that opened it. */
  public static final class Scope implements AutoCloseable {
    private final boolean previous;

    private Scope(boolean mode) {
      previous = JniUtils.isGradMode();
      JniUtils.setGradMode(mode);
    }

    @Override
    public void close() {
      JniUtils.setGradMode(previous);
    }
  }
}
