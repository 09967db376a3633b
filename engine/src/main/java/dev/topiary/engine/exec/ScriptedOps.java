package dev.topiary.engine.exec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * libtorch functions that DJL 0.32 does not expose, run through a small TorchScript module bundled
 * as a resource (written by {@code bench/torchscript_ops.py}). The module holds no tensors; it is
 * loaded once per process, on first use, and called with the caller's grad mode, so autograd
 * records the function's own backward.
 */
final class ScriptedOps {
  private ScriptedOps() {}

  /**
   * torch.nn.functional.hardtanh(x, min, max): the values of {@code clip(min, max)}, with
   * hardtanh's backward (one pass; the gradient is zero at the bounds, as for torch's ReLU6). DJL's
   * clip is torch.clamp, whose backward is four passes over the tensor.
   */
  static NDArray hardtanh(NDArray x, double min, double max) {
    NDManager m = x.getManager();
    try (NDArray lo = m.create(min); NDArray hi = m.create(max)) {
      return IValueUtils.forward(Hardtanh.MODULE, new NDList(x, lo, hi), true).head();
    }
  }

  /** Holder: the module loads when {@link #hardtanh} is first called. */
  private static final class Hardtanh {
    static final PtSymbolBlock MODULE = load("hardtanh.pt");
  }

  private static PtSymbolBlock load(String resource) {
    try (InputStream in = ScriptedOps.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the engine jar");
      }
      // a manager of its own, never closed: the module lives as long as the process
      PtNDManager owner = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
      return JniUtils.loadModule(owner, in, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TorchScript resource " + resource, e);
    }
  }
}
