package dev.topiary.engine.data;

/**
 * A mutable float image in CHW order with reusable buffers: the working sample that transforms
 * rewrite one after another.
 *
 * <p>A transform either edits {@link #data()} in place or writes its result into {@link
 * #scratch(int)} and then calls {@link #swap(int, int, int)}, which makes the scratch buffer the
 * data buffer (and the old data buffer the next scratch). Buffers only grow, so after the first
 * few samples no allocation happens. Buffers may be longer than the image: only the first {@link
 * #size()} values count. Not thread-safe; each loader thread owns its own.
 */
public final class FloatImage {
  private float[] data = new float[0];
  private float[] scratch = new float[0];
  private int channels;
  private int height;
  private int width;

  /** The pixel values; the first {@link #size()} entries hold the image. */
  public float[] data() {
    return data;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public ImageShape shape() {
    return new ImageShape(channels, height, width);
  }

  /** Number of values in the image, {@code channels * height * width}. */
  public int size() {
    return channels * height * width;
  }

  /** Sets the shape and returns a data buffer large enough for it; its contents are undefined. */
  public float[] reset(ImageShape shape) {
    channels = shape.channels();
    height = shape.height();
    width = shape.width();
    if (data.length < shape.size()) {
      data = new float[shape.size()];
    }
    return data;
  }

  /** A buffer of at least {@code length} values for a transform's output; contents undefined. */
  public float[] scratch(int length) {
    if (scratch.length < length) {
      scratch = new float[length];
    }
    return scratch;
  }

  /** Makes the scratch buffer, now holding a {@code c×h×w} image, the data buffer. */
  public void swap(int c, int h, int w) {
    if (scratch.length < c * h * w) {
      throw new IllegalStateException("scratch buffer smaller than " + c + "x" + h + "x" + w);
    }
    float[] t = data;
    data = scratch;
    scratch = t;
    channels = c;
    height = h;
    width = w;
  }
}
